"""The read API under /api/: channels, status history, engagements, statements, actors,
counterpart claims, sticking points and sources, as JSON for analysts' own tools.

Built on Django REST framework (views, serializers, token and session authentication, cursor
pagination, the browsable API) with django-filter (the same FilterSets as the site's lists) and
drf-spectacular (the OpenAPI 3 schema at /api/schema/ and Swagger UI at /api/docs/). Read-only:
every endpoint answers GET, HEAD and OPTIONS; other methods get 405.
"""
