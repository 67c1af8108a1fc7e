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
CMD ["dispatches", "serve", "--addr", "0.0.0.0:3000"]
