# Sourced by tests/deb/deb-test and tests/deb/piuparts: which Debian
# mirror to use, and whether it answers.
#   mirror      NVR_DEB_MIRROR, else the first Debian mirror apt here
#               uses (deb822 .sources, then sources.list), else
#               deb.debian.org
#   mirror_answers FILE   fetches the suite's InRelease into FILE within
#               60 s; false when the mirror does not answer
suite=bookworm
mirror=${NVR_DEB_MIRROR:-$(sed -n 's/^URIs: *\([^ ]*\/debian\)\/\{0,1\}$/\1/p' \
	/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)}
[ -n "$mirror" ] || mirror=$(sed -n \
	"s/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) $suite .*/\2/p" \
	/etc/apt/sources.list 2>/dev/null | head -n1)
: "${mirror:=http://deb.debian.org/debian}"

mirror_answers() {
	timeout 60 /usr/lib/apt/apt-helper -o Acquire::http::Timeout=20 \
	    -o Acquire::https::Timeout=20 -o Acquire::Retries=0 \
	    download-file "$mirror/dists/$suite/InRelease" "$1" >/dev/null 2>&1
}
