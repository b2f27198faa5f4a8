/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The public surface of the store layer. */

#include "da-conversation.h"
#include "da-export.h"
#include "da-search-hit.h"
#include "da-store-error.h"
#include "da-store-records.h"
#include "da-store.h"
