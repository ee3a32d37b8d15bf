# winnow as a container image: a static binary on distroless, the image's
# entrypoint. `winnow k8s manifests --image IMAGE` runs it as indexed jobs.
#
#   docker build -t winnow .
#   docker run --rm -v "$PWD/data:/data" winnow run --out /data/out /data/crawl
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
COPY extract/htmldate/go.mod extract/htmldate/
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /winnow ./cmd/winnow

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /winnow /winnow
USER nonroot:nonroot
ENTRYPOINT ["/winnow"]
