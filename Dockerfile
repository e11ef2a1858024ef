# One image for every voxq process; VOXQ_APP picks the role (api, worker, dispatcher, simulator).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node tools/build-app.mjs api worker dispatcher simulator cli && npm prune --omit=dev

FROM node:20-bookworm-slim
# Local engines: espeak-ng (TTS) and pocketsphinx (STT) need no key and no network; ffmpeg
# converts speech to the format a job asks for when its provider cannot make it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng pocketsphinx pocketsphinx-en-us sox ffmpeg \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production API_HOST=0.0.0.0 VOXQ_APP=api
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080
# Each app's Node flags are apps/node-args.json's (tools/lib/app-node-args.mjs says why; a test checks they agree).
ENTRYPOINT ["sh", "-c", "flags=; [ \"$VOXQ_APP\" = api ] && flags=--max-semi-space-size=4; exec node --enable-source-maps $flags dist/apps/${VOXQ_APP}/main.js \"$@\"", "--"]
