# One image, one target per app: docker compose picks the target.
FROM node:20-bookworm-slim AS base
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN DATABASE_URL=postgresql://build@localhost/build npm run build
# Images run as production unless told otherwise: strong secrets required, no demo user, no
# self-service purchases.
ENV NODE_ENV=production

FROM base AS gateway
EXPOSE 3000
CMD ["node", "dist/apps/gateway/src/main.js"]

FROM base AS billing
EXPOSE 3001
CMD ["node", "dist/apps/billing/src/main.js"]

FROM base AS media-worker
CMD ["node", "dist/apps/media-worker/src/main.js"]

FROM base AS migrate
CMD ["sh", "-c", "npx prisma migrate deploy && npx tsx prisma/app-role.ts && DATABASE_URL=$MIGRATION_DATABASE_URL npx tsx prisma/seed.ts"]
