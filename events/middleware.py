"""Measurement for `make bench`: how many SQL queries each request ran, in a response header.

Off unless SQL_COUNT_HEADER=1 (settings add it to MIDDLEWARE only then): the benchmark's load
generator reads `X-SQL-Queries` from every response, so the figure covers the real mix of
cached and freshly rendered pages under load.
"""

from diplomacy.middleware import counting_queries


class SQLQueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with counting_queries() as queries:
            response = self.get_response(request)
            if getattr(response, "streaming", False):
                # Streamed downloads run queries while streaming: the header would be early.
                return response
        response["X-SQL-Queries"] = str(queries.count)
        return response
