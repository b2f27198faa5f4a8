/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-provider.h"

G_BEGIN_DECLS

/* Only provider implementations read the key; it is never a readable
 * property so that it cannot leak through generic property dumps. */
const char *_da_provider_get_api_key (DaProvider *self);

G_END_DECLS
