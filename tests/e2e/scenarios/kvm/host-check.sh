#!/bin/bash
# node1's side, from its console (COM2): systemd brought it up from the root
# disk, kvm-setup made it a KVM host, and when node1 was halted its mintd shut
# the guests down before the node powered off.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
tr -d '\r' <"$1/ttyS1.log" >"$log" 2>/dev/null || true
pass_if() { # DESC PATTERN
	if grep -qaE "$2" "$log"; then echo "PASS $1"; else echo "FAIL $1 (no '$2' on COM2; last lines: $(tail -n 3 "$log" | tr '\n' ' '))"; fi
}
pass_if "node1 ran systemd from its root disk (COM2)" 'systemd\[1\]|Welcome to .*Debian|Reached target'
pass_if "node1 is a KVM host: kvm-setup loaded the module and ran guest code (COM2)" 'MINT-KVM-SETUP: ok: kvm_(amd|intel) loaded, /dev/kvm works'
grep -aoE 'MINT-KVM-SETUP: .*' "$log" | head -n1 | sed 's/^/INFO node1: /'
ask=$(grep -anE 'asking guest g1 to shut down' "$log" | head -n1 | cut -d: -f1)
off=$(grep -anE 'reboot: Power down|System Power Off|mint: node1 halted|Reached target .*Power-Off' "$log" | tail -n1 | cut -d: -f1)
if [ -n "$ask" ] && [ -n "$off" ] && [ "$ask" -lt "$off" ]; then
	echo "PASS node1 shut its guest g1 down before it powered off (COM2 lines $ask < $off)"
else
	echo "FAIL node1 shut its guest g1 down before it powered off (guest line '${ask:-none}', power-off line '${off:-none}')"
fi
