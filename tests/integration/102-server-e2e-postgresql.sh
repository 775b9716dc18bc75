#!/usr/bin/env bash
# 101's end-to-end test on a real PostgreSQL started for the test.
BACKEND=postgresql exec bash "$(dirname "$0")/101-server-e2e.sh"
