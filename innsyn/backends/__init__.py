"""Local OpenSearch and Tika, downloaded from Maven Central and run without Docker."""
