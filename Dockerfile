# rampart's container image, built by the runner for the GitHub Action (action.yml: image: Dockerfile)
# and usable on its own (`docker build --target cli -t rampart .`).
#
# Base images are pinned by digest (keep the tag for readers); Dependabot's `docker` ecosystem
# keeps the pins current.

# Build: a static binary, no cgo, no paths of the build machine in it.
FROM golang:1.26@sha256:3aff6657219a4d9c14e27fb1d8976c49c29fddb70ba835014f477e1c70636647 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=
RUN CGO_ENABLED=0 go build -trimpath -mod=readonly \
      -ldflags="-s -w -buildid= -X github.com/rampart-sec/rampart/cli.Version=${VERSION} -X github.com/rampart-sec/rampart/cli.Commit=${COMMIT}" \
      -o /out/rampart . \
 && /out/rampart version

# cli: the command line on its own, as the non-root user of distroless (uid 65532), no shell.
FROM gcr.io/distroless/static-debian12:nonroot@sha256:d093aa3e30dbadd3efe1310db061a14da60299baff8450a17fe0ccc514a16639 AS cli
COPY --from=build /out/rampart /usr/local/bin/rampart
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/rampart"]

# action (the last stage: what action.yml builds). GitHub runs a Docker action's container with the
# workspace and the file-command files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) owned by the runner's
# user and writable only by it or root, and documents that a Docker action must run as the default
# user (root): "Do not use the USER instruction in your Dockerfile, because you won't be able to
# access the GITHUB_WORKSPACE directory". This stage therefore goes back to root; it is otherwise
# the cli image: one static binary, no shell, no package manager, and rampart never runs audited code.
FROM cli AS action
USER 0:0
ENTRYPOINT ["/usr/local/bin/rampart", "action"]
