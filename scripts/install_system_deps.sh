#!/usr/bin/env bash
# Install the system packages the report needs beyond Python:
#   - TeX (xelatex + CJK fonts) for the PDF edition,
#   - Chromium and poppler-utils for the tests that open the HTML and PDF.
# As root with apt-get it installs what is missing; otherwise it prints the
# exact command to run and exits 0 (the HTML book still builds without them).
set -euo pipefail

TEX_PKGS="latexmk texlive-latex-recommended texlive-fonts-recommended texlive-latex-extra tex-gyre texlive-xetex texlive-lang-cjk texlive-lang-chinese fonts-wqy-microhei"
TEST_PKGS="chromium poppler-utils"
want="${1:-all}"   # all | pdf

missing=()
have_tex() { command -v xelatex >/dev/null && command -v latexmk >/dev/null \
  && kpsewhich ctexhook.sty >/dev/null 2>&1 && kpsewhich xeCJK.sty >/dev/null 2>&1 \
  && fc-list 2>/dev/null | grep -i "WenQuanYi Micro Hei" >/dev/null; }  # no -q: with pipefail an early exit fails the pipe
have_tex || missing+=($TEX_PKGS)
if [ "$want" = "all" ]; then
  command -v chromium >/dev/null || missing+=(chromium)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v unshare >/dev/null || missing+=(util-linux)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "[setup] system packages: all present"
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "[setup] installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "[setup] system packages installed"
else
  echo "[setup] Missing system packages: ${missing[*]}"
  echo "[setup] The HTML book will still build. For the PDF (and the browser/PDF tests) run:"
  echo "          sudo apt-get install -y ${missing[*]}"
fi
