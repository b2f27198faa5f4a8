/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cost of one permission check, per kind: prints ns per check. */
#include "config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "da-permissions.h"

#define ITERATIONS 20000

static void
add (DaPermissions *perms,
     const char    *flag,
     const char    *value)
{
  g_autoptr(GError) error = NULL;

  if (!da_permissions_add_flag (perms, flag, value, &error))
    g_error ("%s=%s: %s", flag, value, error->message);
}

static void
measure (DaPermissions        *perms,
         const char           *label,
         DaPermissionKind      kind,
         const char           *target,
         DaPermissionDecision  expected,
         gboolean              with_match)
{
  gint64 start, elapsed;

  /* Warm up (and check the figure measures what it says). */
  if (da_permissions_check (perms, kind, target, NULL) != expected)
    g_error ("%s: unexpected decision for %s", label, target);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < ITERATIONS; i++)
    {
      if (with_match)
        {
          g_auto(DaPermissionMatch) match = { 0, };
          da_permissions_check (perms, kind, target, &match);
        }
      else
        da_permissions_check (perms, kind, target, NULL);
    }
  elapsed = g_get_monotonic_time () - start;

  g_print ("# %-34s %10.0f ns/check%s\n", label,
           (double)elapsed * 1000.0 / ITERATIONS, with_match ? " (with match)" : "");
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("da-bench-XXXXXX", &error);
  g_autofree char *deep = NULL;
  g_autofree char *link = NULL;
  g_autofree char *tool = NULL;
  g_autofree char *sh = g_find_program_in_path ("sh");
  g_autoptr(DaPermissions) perms = NULL;

  g_assert_no_error (error);
  deep = g_build_filename (dir, "src", "lib", "module", NULL);
  g_mkdir_with_parents (deep, 0700);
  link = g_build_filename (dir, "link", NULL);
  g_assert_cmpint (symlink (deep, link), ==, 0);
  tool = g_build_filename (dir, "tool", NULL);
  g_file_set_contents (tool, "#!/bin/sh\nexit 0\n", -1, NULL);
  g_chmod (tool, 0755);

  perms = da_permissions_new (dir);
  /* A realistic set: a dozen rules per kind. */
  add (perms, "allow-read", "src,docs,tests,/usr/share,/usr/lib,/etc/ssl,link");
  add (perms, "deny-read", "src/secret,.git,.env,/etc/shadow");
  add (perms, "allow-write", "out,build,/tmp/da-bench-out");
  add (perms, "deny-write", "out/keep");
  add (perms, "allow-net", "api.example.com:443,*.cdn.example,10.0.0.0/8,[::1]:8080,github.com,*.githubusercontent.com");
  add (perms, "deny-net", "127.0.0.0/8,169.254.169.254,evil.cdn.example,fd00::/8");
  add (perms, "allow-env", "HOME,LANG,PATH,TERM,DA_*,AWS_REGION,NODE_ENV");
  add (perms, "deny-env", "DA_SECRET*,AWS_SECRET_ACCESS_KEY");
  add (perms, "allow-run", sh);
  add (perms, "allow-run", tool);
  add (perms, "deny-run", "curl");

  g_print ("1..1\n");
  g_print ("# %d checks each\n", ITERATIONS);
  measure (perms, "read (allowed, 4 components)", DA_PERMISSION_READ, "src/lib/module/file.c", DA_PERMISSION_DECISION_ALLOW, FALSE);
  measure (perms, "read (allowed, 4 components)", DA_PERMISSION_READ, "src/lib/module/file.c", DA_PERMISSION_DECISION_ALLOW, TRUE);
  measure (perms, "read (through a symlink)", DA_PERMISSION_READ, "link/file.c", DA_PERMISSION_DECISION_ALLOW, FALSE);
  measure (perms, "read (denied)", DA_PERMISSION_READ, "src/secret/key", DA_PERMISSION_DECISION_DENY, FALSE);
  measure (perms, "read (/proc magic link)", DA_PERMISSION_READ, "/proc/self/root/etc/passwd", DA_PERMISSION_DECISION_ASK, FALSE);
  measure (perms, "write (new file)", DA_PERMISSION_WRITE, "out/report/new.txt", DA_PERMISSION_DECISION_ALLOW, FALSE);
  measure (perms, "net (host:port)", DA_PERMISSION_NET, "api.example.com:443", DA_PERMISSION_DECISION_ALLOW, FALSE);
  measure (perms, "net (wildcard)", DA_PERMISSION_NET, "img.cdn.example", DA_PERMISSION_DECISION_ALLOW, FALSE);
  measure (perms, "net (decimal IPv4, CIDR deny)", DA_PERMISSION_NET, "2130706433:80", DA_PERMISSION_DECISION_DENY, FALSE);
  measure (perms, "net (mapped IPv6)", DA_PERMISSION_NET, "[::ffff:10.1.2.3]:22", DA_PERMISSION_DECISION_ALLOW, FALSE);
  measure (perms, "net (IDNA name)", DA_PERMISSION_NET, "bücher.example", DA_PERMISSION_DECISION_ASK, FALSE);
  measure (perms, "env (exact)", DA_PERMISSION_ENV, "HOME", DA_PERMISSION_DECISION_ALLOW, FALSE);
  measure (perms, "env (prefix deny)", DA_PERMISSION_ENV, "DA_SECRET_TOKEN", DA_PERMISSION_DECISION_DENY, FALSE);
  measure (perms, "env (loader variable)", DA_PERMISSION_ENV, "LD_PRELOAD", DA_PERMISSION_DECISION_DENY, FALSE);
  measure (perms, "run (cached hash)", DA_PERMISSION_RUN, sh, DA_PERMISSION_DECISION_ALLOW, FALSE);
  measure (perms, "run (PATH lookup, cached hash)", DA_PERMISSION_RUN, "sh", DA_PERMISSION_DECISION_ALLOW, FALSE);
  /* Changed less than two seconds ago: hashed on every check. */
  measure (perms, "run (fresh file, rehashed)", DA_PERMISSION_RUN, tool, DA_PERMISSION_DECISION_ALLOW, FALSE);
  g_print ("ok 1 - measured\n");

  g_unlink (tool);
  g_unlink (link);
  g_rmdir (deep);
  {
    g_autofree char *lib = g_path_get_dirname (deep);
    g_autofree char *src = g_path_get_dirname (lib);
    g_rmdir (lib);
    g_rmdir (src);
  }
  g_rmdir (dir);
  return 0;
}
