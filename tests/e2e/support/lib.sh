# lib.sh: what nvr-support's end-to-end scripts share (each *-test here
# sources it in its command; it is no test itself). run-all runs them from
# the repository root. Everything happens in a fresh folder $d, removed at
# the end.
#   $S  the vendor tool          $R  request-tool, standing in for a device
#   support_setup: $d/keys with key set 1; devices SN0012345678 in
#   $d/dev1/prov and SN0099999999 in $d/dev2/prov (folders 0700)
S=build/nvr-support
R=build/request-tool
d=$(mktemp -d /tmp/nvr-support-e2e.XXXXXX) || exit 70
trap 'rm -rf "$d"' EXIT

support_setup() {
	$S keygen --out "$d/keys" >/dev/null &&
	    mkdir -m 700 "$d/dev1" "$d/dev2" &&
	    $S provision --keys "$d/keys" --serial SN0012345678 \
	    --out "$d/dev1/prov" >/dev/null &&
	    $S provision --keys "$d/keys" --serial SN0099999999 \
	    --out "$d/dev2/prov" >/dev/null || {
		echo "support_setup failed"
		exit 70
	}
}
