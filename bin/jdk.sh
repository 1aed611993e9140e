# Sourced by bin/* and .ci/run: selects a JDK 25+ into JAVA_HOME (the `java` on PATH may be older).
# Order: JAVA_HOME if it is 25+, else a JDK 25+ under /usr/lib/jvm, else apt-get's openjdk-25, else stop.
sightline_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1
}
sightline_select_jdk() {
  local candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(sightline_java_major "$JAVA_HOME")
    if [ "${major:-0}" -ge 25 ] 2>/dev/null; then return 0; fi
  fi
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(sightline_java_major "$candidate")
    if [ "${major:-0}" -ge 25 ] 2>/dev/null; then export JAVA_HOME="$candidate"; return 0; fi
  done
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "sightline: no JDK 25 found; trying apt-get install openjdk-25-jdk-headless" >&2
    if apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq openjdk-25-jdk-headless >/dev/null 2>&1; then
      for candidate in /usr/lib/jvm/java-25-openjdk*; do
        [ -x "$candidate/bin/javac" ] && export JAVA_HOME="$candidate" && return 0
      done
    fi
  fi
  echo "sightline: JDK 25 or newer is required (a full JDK, not a JRE). Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
sightline_select_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
