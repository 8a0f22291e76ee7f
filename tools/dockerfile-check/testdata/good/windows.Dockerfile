# A Linux builder cross-compiles; the Windows final stage only COPYs.

# build cross-compiles on the build platform for the target platform.
FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0
COPY . .
ARG TARGETOS TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -o /out/app.exe .

FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
ARG SOURCE=
LABEL org.opencontainers.image.source="${SOURCE}"
COPY --from=build /out/app.exe C:/app/app.exe
USER ContainerUser
ENTRYPOINT ["C:\\app\\app.exe"]
