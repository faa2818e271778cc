"""Django's Redis cache backend, keeping its Redis client instead of building one per call.

Django's `RedisCacheClient.get_client` constructs a new `redis.Redis` for every cache operation
(the connection pool is kept). Constructing one fills its table of response callbacks — about
0.3 ms each time, measured — and a cached board reads and writes the cache half a dozen times:
a third of the time of a page answered from the cache. A `redis.Redis` over a connection pool is
safe to share between threads, and Django already keeps one backend per thread.
"""

# Django's type stubs leave out the private attributes of the client this extends.
# mypy: disable-error-code="attr-defined"

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Django's choice of server and pool (kept for the backend's life), one client for each.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
