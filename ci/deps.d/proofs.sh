#!/bin/sh
# SPDX-License-Identifier: ISC
# ci/deps.d/proofs.sh: let why3 find z3 and cvc4 (needed once after installing them).
why3 config detect >/dev/null
