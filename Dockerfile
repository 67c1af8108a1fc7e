# Build stage: a release binary with bundled SQLite (FTS5 included).
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY templates templates
COPY static static
RUN cargo build --release --locked && strip target/release/dispatches

# Runtime stage: the binary, the sample content and a volume for the archive.
FROM debian:bookworm-slim
RUN useradd --system --home /srv/dispatches --uid 10001 dispatches \
    && mkdir -p /srv/dispatches/data && chown dispatches /srv/dispatches/data
WORKDIR /srv/dispatches
COPY --from=build /src/target/release/dispatches /usr/local/bin/dispatches
COPY content content
COPY dispatches.toml dispatches.toml
USER dispatches
VOLUME ["/srv/dispatches/data"]
EXPOSE 3000
# One address for the server and its health check (`healthcheck` asks 127.0.0.1 when the
# server listens on every interface).
ENV DISPATCHES_ADDR=0.0.0.0:3000
# `healthcheck` gets /healthz (which reads the archive) and gives up after 3 s. The start
# period covers the publish of the content folder that serve runs before it listens.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["dispatches", "healthcheck"]
CMD ["dispatches", "serve"]

# Replication: Litestream runs beside this container, not in it, on the same volume and
# as the same user (it writes its own two tables and checkpoints the WAL), e.g. with
# compose (deploy/litestream.yml is the config; docs/OPERATIONS.md has the whole story):
#
#   services:
#     dispatches:
#       build: .
#       ports: ["3000:3000"]
#       volumes: ["data:/srv/dispatches/data"]
#       stop_grace_period: 15s    # the writer's last checkpoint waits for Litestream
#     litestream:
#       image: litestream/litestream:0.5
#       user: "10001:10001"
#       command: ["replicate", "-config", "/etc/litestream.yml"]
#       environment:
#         DISPATCHES_DB: /data/archive.db
#         DISPATCHES_REPLICA_DIR: /replica
#       volumes:
#         - data:/data
#         - ./deploy/litestream.yml:/etc/litestream.yml:ro
#         - /mnt/backup/dispatches:/replica
#       depends_on: [dispatches]
#   volumes:
#     data:
