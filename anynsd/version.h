/* SPDX-License-Identifier: MIT */
#ifndef ANYNSD_VERSION_H
#define ANYNSD_VERSION_H

#define ANYNSD_VERSION "0.1.0"

#endif
