-- What an API key may do (issue 13): read, write, jobs, billing. New keys name theirs, a JWT
-- carries all of them.
ALTER TABLE "api_keys" ADD COLUMN "scopes" TEXT[] NOT NULL DEFAULT '{}';

-- Keys made before scopes existed could do everything: they keep doing so.
UPDATE "api_keys" SET "scopes" = ARRAY['read', 'write', 'jobs', 'billing'];

ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_scopes_known"
  CHECK ("scopes" <@ ARRAY['read', 'write', 'jobs', 'billing']::TEXT[]);
