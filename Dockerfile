# OpenAMR node image (docs/operations.md «Контейнеры»). Build: docker build -t openamr .
FROM node:20-bookworm-slim AS build
WORKDIR /opt/openamr
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm ci --strict-allow-scripts --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /opt/openamr
COPY --from=build /opt/openamr /opt/openamr
ENV HOST=0.0.0.0 PORT=8080 NODE_ENV=production
EXPOSE 8080
USER node
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:8080/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "packages/core/bin/openamr.js", "serve"]
