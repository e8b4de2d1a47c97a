#!/usr/bin/env bash
# The deployment tier: the image, the compose stack and the manifests, proven by running them (tests/deploy).
#
#     bash scripts/deploy_tier.sh [pytest options]
#
# Installs podman, runc and debootstrap (Debian packages) when missing and it can; makes a Debian base image with
# debootstrap (its tarball cached in .cache/deploy, so a re-run skips it) where no registry is reachable; builds the
# service's image and, when docker.io cannot be pulled, PostgreSQL and Redis images from the same base; then runs
# tests/deploy with TSGEN_DEPLOY_TIER=1. Where podman cannot run, the tests skip saying why.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${TSGEN_PYTHON:-.venv/bin/python}
bin=$(dirname "$py")
cache=.cache/deploy
mkdir -p "$cache"
export TSGEN_DEPLOY_TIER=1 PATH="$bin:$PATH"
args=("$@")
run_tests() { exec "$py" -m pytest -q -p no:cacheprovider tests/deploy "${args[@]}"; }
skip() { echo "deploy tier: $1; the container tests skip" >&2; export TSGEN_DEPLOY_SKIP="$1"; run_tests; }

# dnsname: service-name DNS on podman's CNI networks (compose's `postgres`, `redis`).
packages=(podman runc debootstrap golang-github-containernetworking-plugin-dnsname)
if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v debootstrap >/dev/null \
    || { [ -d /usr/lib/cni ] && [ ! -e /usr/lib/cni/dnsname ]; }; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null 2>&1 \
            || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; } \
            || skip "podman, runc or debootstrap could not be installed"
    else
        command -v podman >/dev/null || skip "podman is not installed (apt-get install podman runc debootstrap)"
    fi
fi
# runc, not crun (which fails in some sandboxes); ulimits a container may have where the host's are unbounded.
cat > "$cache/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF=$PWD/$cache/containers.conf
podman info >/dev/null 2>&1 || skip "podman cannot run here: $(podman info 2>&1 | tail -1)"

base=localhost/tushare-typed-base:bookworm
if ! podman image exists "$base"; then
    if [ ! -s "$cache/base.tar.gz" ]; then
        command -v debootstrap >/dev/null || skip "debootstrap is missing, and the base image is not cached"
        rm -rf "$cache/rootfs"
        debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$cache/rootfs" \
            http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1 || skip "debootstrap failed (see $cache/debootstrap.log)"
        rm -rf "$cache"/rootfs/var/cache/apt/archives/*.deb "$cache"/rootfs/var/lib/apt/lists/* \
            "$cache"/rootfs/usr/share/doc/* "$cache"/rootfs/usr/share/locale/* "$cache"/rootfs/usr/share/man/*
        tar -C "$cache/rootfs" -c . | gzip -1 >"$cache/base.tar.gz.part"
        mv "$cache/base.tar.gz.part" "$cache/base.tar.gz"
        rm -rf "$cache/rootfs"
    fi
    podman import -q "$cache/base.tar.gz" "$base" >/dev/null
fi

build() { podman build -q --network host --format docker --build-arg BASE_IMAGE="$base" "$@" >/dev/null; }
# The host's CA bundle as a build secret: pip in the build then trusts what the host trusts (a TLS-signing proxy).
ca=/etc/ssl/certs/ca-certificates.crt
secret=()
[ -s "$ca" ] && secret=(--secret "id=ca,src=$ca")
build "${secret[@]}" -f deploy/Dockerfile -t localhost/tushare-typed:test .
export TSGEN_DEPLOY_IMAGE=localhost/tushare-typed:test
for pair in postgres:docker.io/library/postgres:15 redis:docker.io/library/redis:7; do
    name=${pair%%:*} image=${pair#*:}
    if ! podman image exists "$image" && ! timeout 60 podman pull -q "$image" >/dev/null 2>&1; then
        image=localhost/tsgen-$name:local
        podman image exists "$image" || build -f "deploy/local-images/$name.Dockerfile" -t "$image" deploy/local-images
    fi
    export "TSGEN_DEPLOY_${name^^}_IMAGE=$image"
done
export TSGEN_DEPLOY_COMPOSE="$bin/podman-compose"
run_tests
