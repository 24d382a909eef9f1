"""The public view of every record kind, built in one place (``shapes``) from what the
store holds (``stored``): the index document, the search hit and the page all derive
from one table of fields per kind."""
