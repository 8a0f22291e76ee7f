# Multi-stage cross-compile in the shape goship renders (components/build/dockerfile.ts),
# with no "# syntax=" line: BuildKit's built-in frontend must accept every flag.

# build cross-compiles on the build platform for the target platform.
FROM --platform=$BUILDPLATFORM golang@sha256:9f50e2489f598dad81c2bbb8d6ad16c73d6b1588fc4676fd00b4b32cf2ff7aa4 AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false
COPY go.mod go.sum* ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG TARGETOS TARGETARCH TARGETVARIANT
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    GOOS=$TARGETOS GOARCH=$TARGETARCH GOARM=${TARGETVARIANT#v} \
    go build -trimpath -tags timetzdata -ldflags="-s -w -X main.version=${VERSION}" -o /out/app .
RUN mkdir -p /out/share && cp "$(go env GOROOT)/lib/time/zoneinfo.zip" /out/share/zoneinfo.zip

FROM scratch
ARG VERSION=dev REVISION=unknown SOURCE=
LABEL org.opencontainers.image.title="app" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/share/zoneinfo.zip /usr/share/zoneinfo.zip
ENV ZONEINFO=/usr/share/zoneinfo.zip
COPY --from=build --chown=65532:65532 --chmod=0555 /out/app /app
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/app"]
