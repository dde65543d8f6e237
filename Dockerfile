# Build stage: compile-checked queries come from the committed .sqlx/, so the
# build needs no database.
FROM rust:1.95-bookworm AS build
WORKDIR /src
ENV SQLX_OFFLINE=true
COPY . .
RUN cargo build --release --locked

# Run stage: the binary with its templates, translations and static files embedded.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/atende atende
COPY --from=build /src/target/release/atende /usr/local/bin/atende
USER atende
ENV ATENDE_BIND=0.0.0.0:8080 \
    ATENDE_DATA_DIR=/var/lib/atende \
    ATENDE_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ok <&3"]
ENTRYPOINT ["atende"]
CMD ["serve"]
