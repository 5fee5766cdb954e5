export { RedisCache, type RedisCacheArgs, redisCacheProblems, REDIS_PORT, AUTH_TOKEN } from "./redisCache";
export * as cachePerms from "./perms";
