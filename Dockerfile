# `docker build .` builds the binary in the Rust stage and the image on Debian, pulling
# both official images. The same file builds where images cannot be pulled (CI), through
# build arguments:
#   RUST_IMAGE, RUNTIME_IMAGE  the base images (e.g. a local Debian imported from debootstrap)
#   BINARY=prebuilt            take the binary from target/container/dispatches in the build
#                              context (built and stripped on the host) instead of compiling
ARG RUST_IMAGE=rust:1-slim-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim
ARG BINARY=compiled

# Build stage: a release binary with bundled SQLite (FTS5 included).
FROM ${RUST_IMAGE} AS compiled
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY templates templates
COPY static static
RUN cargo build --release --locked && strip target/release/dispatches \
    && mkdir /out && cp target/release/dispatches /out/dispatches

# Or a binary built on the host (only this stage or the one above is built).
FROM ${RUNTIME_IMAGE} AS prebuilt
COPY target/container/dispatches /out/dispatches

FROM ${BINARY} AS binary

# Runtime stage: the binary, the sample content and a volume for the archive.
FROM ${RUNTIME_IMAGE}
RUN useradd --system --home /srv/dispatches --uid 10001 dispatches \
    && mkdir -p /srv/dispatches/data && chown dispatches /srv/dispatches/data
WORKDIR /srv/dispatches
COPY --from=binary /out/dispatches /usr/local/bin/dispatches
COPY content content
COPY dispatches.toml dispatches.toml
USER dispatches
VOLUME ["/srv/dispatches/data"]
EXPOSE 3000
# One address for the server and its health check (`healthcheck` asks 127.0.0.1 when the
# server listens on every interface).
ENV DISPATCHES_ADDR=0.0.0.0:3000
# `healthcheck` gets /healthz (which reads the archive) and gives up after 3 s. The server
# listens at once and publishes the content folder in the background, so a short start
# period is enough.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
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
