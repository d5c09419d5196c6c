# Agent Billy - the two commands: `make dev` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

# A JDK >= 21 (the default `java` on these machines is 17). First match wins.
JAVA_HOME := $(shell for d in $${JAVA_HOME:-} /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do \
  if [ -x "$$d/bin/javac" ] && "$$d/bin/javac" -version 2>&1 | grep -qE 'javac (2[1-9]|[3-9][0-9])'; then echo "$$d"; break; fi; done)
ifeq ($(JAVA_HOME),)
$(error No JDK >= 21 found under /usr/lib/jvm; install one (e.g. Temurin 21) and retry)
endif
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)

.PHONY: dev test install build format lint sam-build stop clean

## make dev: install what is missing, start the whole local stack in the foreground (Ctrl-C stops it)
dev: install
	infra/bin/run-dev

## make test: install what is missing, start a private local stack, run every test and gate, stop it
test: install
	infra/bin/run-tests

install:
	infra/bin/install-tools

build:
	mvn -B -ntp -q install -DskipTests -Djacoco.skip=true

format:
	mvn -B -ntp -q spotless:apply

lint:
	.local/venv/bin/cfn-lint template.yaml

sam-build: build
	infra/bin/sam-build

## stop: stop a dev stack left running by a killed terminal
stop:
	infra/bin/stack-down dev

clean:
	mvn -B -ntp -q clean
	rm -rf .local/run .local/sam-build
