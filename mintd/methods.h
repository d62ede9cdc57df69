/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The methods of io.mint.Node and org.varlink.service. Each is a thin
 * function (decoded arguments in, an operation, a reply out) declared with
 * its parameters and reply type next to it:
 *   methods_varlink.c    GetInfo, GetInterfaceDescription
 *   methods_status.c     Status, NodeLog
 *   methods_resources.c  Release/Reclaim Cpus, Memory, Device
 *   methods_boot.c       BootNode, RebootNode
 *   methods_peer.c       Forward (a method on another node)
 *   methods_nodes.c      HaltNode, KillNode, Shutdown, TakeResources
 *   methods_move.c       MoveCpus, MoveMemory, MoveDevice, MoveDisk
 */
#ifndef MINTD_METHODS_H
#define MINTD_METHODS_H

#include "service.h"

extern const struct method method_get_info;
extern const struct method method_get_interface_description;
extern const struct method method_status;
extern const struct method method_node_log;
extern const struct method method_release_cpus;
extern const struct method method_reclaim_cpus;
extern const struct method method_release_memory;
extern const struct method method_reclaim_memory;
extern const struct method method_release_device;
extern const struct method method_reclaim_device;
extern const struct method method_boot_node;
extern const struct method method_reboot_node;
extern const struct method method_forward;
extern const struct method method_halt_node;
extern const struct method method_kill_node;
extern const struct method method_shutdown;
extern const struct method method_take_resources;
/* methods_vm.c: VmStart, VmStop, VmList, VmConsole */
extern const struct method method_vm_start;
extern const struct method method_vm_stop;
extern const struct method method_vm_list;
extern const struct method method_vm_console;
extern const struct method method_move_cpus;
extern const struct method method_move_memory;
extern const struct method method_move_device;
extern const struct method method_move_disk;

/* What a node took into its kernel (TakeResources, and in the replies of stops and moves). */
extern const struct vtype vtype_taken;

#endif
