#!/bin/sh
# shellcheck shell=dash
# iommu (node0 only): a PCI function behind an active IOMMU is not handed
# over: MINT_IOC_RELEASE refuses it (EOPNOTSUPP) and mintctl says why;
# nothing changes.
# shellcheck source=SCRIPTDIR/../../guest-lib.sh
. "${E2E_LIB:-/e2e/guest-lib.sh}"

SOCK=/run/mint/mintd.sock
dmesg_has() { dmesg | grep -q -e "$1"; }
disk_driver_back() { [ "$(pci_driver "$DISK")" = virtio-pci ]; }

e2e_section "an active IOMMU"
check "/dev/mint exists (Mint kernel)" test -c /dev/mint
check "pci-stub is there" have_pci_stub
check "the IOMMU translates DMA" sh -c 'ls /sys/class/iommu/* >/dev/null'
wait_until 10 test -b /dev/vda
DISK=$(basename "$(readlink -f /sys/block/vda/device/..)")
check "the disk ($DISK) is in an IOMMU group" test -e "/sys/bus/pci/devices/$DISK/iommu_group"

e2e_section "the kernel refuses the hand-over"
echo "$DISK" >"/sys/bus/pci/devices/$DISK/driver/unbind"
echo pci-stub >"/sys/bus/pci/devices/$DISK/driver_override"
echo "$DISK" >/sys/bus/pci/drivers_probe
check_eq "$DISK held by pci-stub" pci-stub "$(pci_driver "$DISK")"
check_fails_output "MINT_IOC_RELEASE refuses it" "Operation not supported" \
	mint-kexec --node 0 --release "pci:$DISK"
check "the kernel says why" dmesg_has "is behind an active IOMMU; Mint cannot hand it to another node"
echo >"/sys/bus/pci/devices/$DISK/driver_override"
echo "$DISK" >"/sys/bus/pci/devices/$DISK/driver/unbind"
echo "$DISK" >/sys/bus/pci/drivers_probe
check_eq "$DISK back with virtio-pci" virtio-pci "$(pci_driver "$DISK")"

e2e_section "mintctl says why and changes nothing"
mintd >/tmp/mintd.log 2>&1 &
MINTD_PID=$!
check "mintd socket appears" wait_for_socket "$SOCK" 30
check_fails_output "mintctl dev release $DISK is refused" "behind an active IOMMU" mintctl dev release "$DISK"
printf '%s\n' "$E2E_OUT"
check "the disk is still node0's" status_is ".devices[] | select(.address == \"$DISK\") | .owner == \"node0\""
check "its driver is back" wait_until 10 disk_driver_back
check_eq "node0 still reads it" "MINT-DISK-0" "$(read_head /dev/vda 11)"
stop_mintd "$MINTD_PID" /tmp/mintd.log
exit 0
