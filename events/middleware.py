"""Measurement for `make bench`: how many SQL queries each request ran, in a response header.

Off unless SQL_COUNT_HEADER=1 (settings add it to MIDDLEWARE only then): the benchmark's load
generator reads `X-SQL-Queries` from every response, so the figure covers the real mix of
cached and freshly rendered pages under load.
"""

from django.db import connections


class SQLQueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counted = [0]

        def count(execute, sql, params, many, context):
            counted[0] += 1
            return execute(sql, params, many, context)

        with _wrapped(count):
            response = self.get_response(request)
            if getattr(response, "streaming", False):
                # Streamed downloads run queries while streaming: the header would be early.
                return response
        response["X-SQL-Queries"] = str(counted[0])
        return response


class _wrapped:
    """Install one execute wrapper on every configured database for the request."""

    def __init__(self, wrapper):
        self.wrapper = wrapper
        self.contexts = []

    def __enter__(self):
        for alias in connections:
            context = connections[alias].execute_wrapper(self.wrapper)
            context.__enter__()
            self.contexts.append(context)

    def __exit__(self, *exc):
        for context in reversed(self.contexts):
            context.__exit__(*exc)
