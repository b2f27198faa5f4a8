/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "da-provider.h"

G_BEGIN_DECLS

DaProvider         *da_provider_new_for_kind         (const char  *kind,
                                                      const char  *base_url,
                                                      GError     **error);
const char * const *da_provider_get_kinds            (void);
const char         *da_provider_get_default_base_url (const char  *kind);

G_END_DECLS
