# Builds the single gongkai binary (SQLite and libpq are compiled in).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN useradd --system --home /var/lib/gongkai --create-home gongkai
COPY --from=build /src/target/release/gongkai /usr/local/bin/gongkai
USER gongkai
WORKDIR /var/lib/gongkai
ENV GONGKAI_BIND=0.0.0.0:8080
EXPOSE 8080
CMD ["gongkai", "serve"]
