"""Django's Redis cache builds a new ``redis.Redis`` client object for every cache
call (Django 5.2 ``RedisCacheClient.get_client``); each one copies some 170
response callbacks, which costs more than the round trip itself on a page that
makes two cache calls. A client is only a handle on a thread-safe connection pool,
so one per pool is kept and reused."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
