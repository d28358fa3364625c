-- Hand-off: each output's file name (from the project's outputNameTemplate), the SHA-256 of
-- its bytes and where its poster JPEG is stored. Null for outputs recorded before.
ALTER TABLE "output_files" ADD COLUMN "name" TEXT,
ADD COLUMN "poster_path" TEXT,
ADD COLUMN "sha256" TEXT;
