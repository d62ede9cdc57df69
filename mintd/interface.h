/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MINTD_INTERFACE_H
#define MINTD_INTERFACE_H

/* The varlink interface description of io.mint.Node, returned by GetInterfaceDescription. */
extern const char mintd_interface_description[];

#endif
