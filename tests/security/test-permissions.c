/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The permission matcher against the bypasses in Deno's permission
 * history: traversal, symlinks (denoland/deno#2318, #4437, #12152, the
 * deny-through-symlink fix in #33894), /proc magic links (#34393), /dev/fd
 * (#23703), numeric host aliases (GHSA-v8fw-85r8-5m23), LD_PRELOAD with a
 * scoped --allow-run (#11964, #25221), a granted binary being overwritten
 * (denoland/docs#2846) and most-specific-wins (#31224). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "da-permissions.h"
#include "da-permissions-private.h"

#define READ  DA_PERMISSION_READ
#define WRITE DA_PERMISSION_WRITE
#define NET   DA_PERMISSION_NET
#define ENV   DA_PERMISSION_ENV
#define RUN   DA_PERMISSION_RUN
#define ALLOW DA_PERMISSION_DECISION_ALLOW
#define DENY  DA_PERMISSION_DECISION_DENY
#define ASK   DA_PERMISSION_DECISION_ASK

typedef struct
{
  char *dir;                    /* the workspace, a fresh temporary directory */
} Fixture;

static void
remove_tree (const char *path)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("da-perm-XXXXXX", &error);
  char *real;

  g_assert_no_error (error);
  /* The canonical form, so expectations can be written as plain strings. */
  real = realpath (tmp, NULL);
  g_assert_nonnull (real);
  fixture->dir = g_strdup (real);
  free (real);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
ws (Fixture    *fixture,
    const char *rel)
{
  return g_build_filename (fixture->dir, rel, NULL);
}

static void
make_dir (Fixture    *fixture,
          const char *rel)
{
  g_autofree char *path = ws (fixture, rel);
  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
}

static void
make_file (Fixture    *fixture,
           const char *rel,
           const char *contents)
{
  g_autofree char *path = ws (fixture, rel);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
make_link (Fixture    *fixture,
           const char *target,
           const char *rel)
{
  g_autofree char *path = ws (fixture, rel);
  g_assert_cmpint (symlink (target, path), ==, 0);
}

static void
add (DaPermissions *perms,
     const char    *flag,
     const char    *value)
{
  g_autoptr(GError) error = NULL;

  da_permissions_add_flag (perms, flag, value, &error);
  g_assert_no_error (error);
}

static void
check_decision (DaPermissions        *perms,
                DaPermissionKind      kind,
                const char           *target,
                DaPermissionDecision  expected,
                int                   line)
{
  g_auto(DaPermissionMatch) match = { 0, };
  DaPermissionDecision got = da_permissions_check (perms, kind, target, &match);

  g_assert_cmpint (match.decision, ==, got);
  g_assert_nonnull (match.reason);
  if (got != expected)
    g_test_fail_printf ("line %d: %s “%s”: expected %s, got %s (%s)", line,
                        da_permission_kind_to_string (kind), target,
                        da_permission_decision_to_string (expected),
                        da_permission_decision_to_string (got), match.reason);
  /* The fast path (no match requested) must agree. */
  g_assert_cmpint (da_permissions_check (perms, kind, target, NULL), ==, got);
}

#define CHECK(p, kind, target, expected) check_decision ((p), (kind), (target), (expected), __LINE__)

static void
check_ws (Fixture              *fixture,
          DaPermissions        *perms,
          DaPermissionKind      kind,
          const char           *rel,
          DaPermissionDecision  expected,
          int                   line)
{
  g_autofree char *path = g_strconcat (fixture->dir, "/", rel, NULL);
  check_decision (perms, kind, path, expected, line);
}

#define CHECK_WS(p, kind, rel, expected) check_ws (fixture, (p), (kind), (rel), (expected), __LINE__)

/* ------------------------------------------------------------------ */

static void
test_normalize (void)
{
  static const struct { const char *in, *base, *out; } cases[] = {
    { "/a/b/../c", NULL, "/a/c" },
    { "//etc///passwd", NULL, "/etc/passwd" },
    { "/../../etc", NULL, "/etc" },
    { "/a/./b/.", NULL, "/a/b" },
    { "x/../../y", "/w/s", "/w/y" },
    { "", "/w", "/w" },
    { "..", "/", "/" },
    { "a//b/", "/w", "/w/a/b" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = _da_path_normalize (cases[i].in, cases[i].base);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_flags (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);
  g_autoptr(GError) error = NULL;

  g_assert_false (da_permissions_add_flag (perms, "--allow-everything", "x", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_UNKNOWN_FLAG);
  g_clear_error (&error);

  g_assert_false (da_permissions_add_flag (perms, "allow-read", "a,,b", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE);
  g_clear_error (&error);

  /* A bad entry in a list adds none of the list. */
  g_assert_false (da_permissions_add_flag (perms, "allow-net", "example.com,bad host", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE);
  g_assert_nonnull (strstr (error->message, "--allow-net"));
  g_clear_error (&error);
  CHECK (perms, NET, "example.com", ASK);

  /* Like Deno: an empty value means every target of that kind. */
  CHECK (perms, NET, "anything.example:1234", ASK);
  add (perms, "--allow-net", NULL);
  CHECK (perms, NET, "anything.example:1234", ALLOW);
  CHECK (perms, NET, "10.0.0.1", ALLOW);

  add (perms, "allow-read", "");
  CHECK (perms, READ, "/etc/passwd", ALLOW);
  CHECK (perms, WRITE, "/etc/passwd", ASK);
  add (perms, "--deny-read", "/etc");
  CHECK (perms, READ, "/etc/passwd", DENY);
}

static void
test_traversal (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);

  make_dir (fixture, "allowed/sub");
  make_dir (fixture, "private");
  make_file (fixture, "allowed/file", "ok");
  make_file (fixture, "private/secret", "secret");
  add (perms, "allow-read", "allowed");

  CHECK_WS (perms, READ, "allowed/file", ALLOW);
  CHECK (perms, READ, "allowed/file", ALLOW);             /* relative to the workspace */
  CHECK (perms, READ, "./allowed/./sub/../file", ALLOW);
  CHECK (perms, READ, "allowed/../private/secret", ASK);
  CHECK (perms, READ, "allowed/sub/../../private/secret", ASK);
  CHECK (perms, READ, "allowed/../../../../../../etc/passwd", ASK);
  CHECK_WS (perms, READ, "allowed/../private/secret", ASK);
  /* A sibling whose name starts with the allowed one is not inside it. */
  make_dir (fixture, "allowed-not");
  CHECK (perms, READ, "allowed-not/x", ASK);
  CHECK (perms, READ, "", DENY);
}

static void
test_double_slash (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);

  add (perms, "allow-read", NULL);
  add (perms, "deny-read", "/etc");
  CHECK (perms, READ, "//etc//passwd", DENY);
  CHECK (perms, READ, "/.//etc/./passwd", DENY);
  CHECK (perms, READ, "/usr/../etc/passwd", DENY);
  CHECK (perms, READ, "///usr/bin", ALLOW);
}

static void
test_symlink_outside (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);
  g_autofree char *private_file = ws (fixture, "test_private/file");

  /* deno#4437: a symlink created inside the readable directory. */
  make_dir (fixture, "test_public");
  make_dir (fixture, "test_private");
  make_file (fixture, "test_private/file", "data");
  add (perms, "allow-read", "test_public");
  add (perms, "allow-write", "test_public");

  make_link (fixture, private_file, "test_public/file");
  CHECK (perms, READ, "test_private/file", ASK);
  CHECK (perms, READ, "test_public/file", ASK);
  CHECK (perms, WRITE, "test_public/file", ASK);

  /* deno#2738: a symlink to /etc/passwd. */
  make_link (fixture, "/etc/passwd", "test_public/passwd");
  CHECK (perms, READ, "test_public/passwd", ASK);

  /* A relative link climbing out, and a directory link to the root. */
  make_link (fixture, "../../../../../../../../etc", "test_public/up");
  CHECK (perms, READ, "test_public/up/passwd", ASK);
  make_link (fixture, "/", "test_public/root");
  CHECK (perms, READ, "test_public/root/etc/passwd", ASK);
  CHECK (perms, READ, "test_public/root", ASK);

  /* A chain of links ending outside. */
  make_link (fixture, "hop2", "test_public/hop1");
  make_link (fixture, "../test_private", "test_public/hop2");
  CHECK (perms, READ, "test_public/hop1/file", ASK);

  /* A dangling link: writing through it would create a file outside. */
  make_link (fixture, "/tmp/da-perm-dangling-target-never-created", "test_public/dangling");
  CHECK (perms, WRITE, "test_public/dangling", ASK);
  CHECK (perms, WRITE, "test_public/dangling/deeper", ASK);

  /* A link loop is refused, not followed forever. */
  make_link (fixture, "loop2", "test_public/loop1");
  make_link (fixture, "loop1", "test_public/loop2");
  CHECK (perms, READ, "test_public/loop1", DENY);

  /* Positive control: a link that stays inside is fine, and so is a
   * file about to be created. */
  make_file (fixture, "test_public/real", "x");
  make_link (fixture, "real", "test_public/alias");
  CHECK (perms, READ, "test_public/alias", ALLOW);
  CHECK (perms, WRITE, "test_public/new/dir/file", ALLOW);
}

static void
test_symlink_into_denied (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);
  g_autofree char *secret = ws (fixture, "denied/secret.txt");

  /* deno#33894: --allow-read=. --deny-read=denied and a link into denied. */
  make_dir (fixture, "allowed");
  make_dir (fixture, "denied");
  make_file (fixture, "denied/secret.txt", "s");
  add (perms, "allow-read", ".");
  add (perms, "deny-read", "denied");
  make_link (fixture, secret, "allowed/link");
  make_link (fixture, "../denied", "allowed/dirlink");

  CHECK (perms, READ, "denied/secret.txt", DENY);
  CHECK (perms, READ, "allowed/link", DENY);
  CHECK (perms, READ, "allowed/dirlink/secret.txt", DENY);
  CHECK (perms, READ, "allowed/other", ALLOW);
}

static void
test_symlinked_rule (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);

  /* A rule naming a link covers the files through the link and where
   * the link pointed when it was granted, and nothing else. */
  make_dir (fixture, "real/docs");
  make_file (fixture, "real/docs/a", "a");
  make_link (fixture, "real/docs", "docs");
  add (perms, "allow-read", "docs");
  CHECK (perms, READ, "docs/a", ALLOW);
  CHECK (perms, READ, "real/docs/a", ALLOW);
  CHECK (perms, READ, "real", ASK);
}

static void
test_proc_self (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(DaPermissions) all = da_permissions_new (fixture->dir);
  g_autoptr(DaPermissions) root = da_permissions_new (fixture->dir);
  g_autoptr(DaPermissions) proc = da_permissions_new (fixture->dir);
  g_autoptr(DaPermissions) deny = da_permissions_new (fixture->dir);
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *cwd_target = g_build_filename ("/proc/self/cwd", "x", NULL);

  /* /proc, /dev and /sys are never granted by a rule for a parent. */
  add (all, "allow-read", NULL);
  CHECK (all, READ, "/proc/self/root/etc/passwd", ASK);
  CHECK (all, READ, "/proc/self/environ", ASK);
  CHECK (all, READ, "/proc/1/mem", ASK);
  CHECK (all, WRITE, "/proc/self/mem", ASK);
  CHECK (all, READ, "/sys/kernel/notes", ASK);
  CHECK (all, READ, "/etc/passwd", ALLOW);

  add (root, "allow-read", "/");
  CHECK (root, READ, "/proc/self/root/etc/passwd", ASK);
  CHECK (root, READ, "/proc/self/cwd", ASK);
  CHECK (root, READ, "/./proc/self/root", ASK);
  CHECK (root, READ, "/etc/../proc/self/root/etc/passwd", ASK);
  CHECK (root, READ, "/etc/passwd", ALLOW);

  /* deno#34393: --allow-read=/proc/self and the magic root link. */
  add (proc, "allow-read", "/proc/self");
  CHECK (proc, READ, "/proc/self/status", ALLOW);
  CHECK (proc, READ, "/proc/self/root/etc/passwd", ASK);
  CHECK (proc, READ, "/proc/self/root", ASK);
  CHECK (proc, READ, cwd_target, g_str_has_prefix (cwd, "/proc") ? ALLOW : ASK);

  /* A deny rule does reach into them, also through the magic links. */
  add (deny, "allow-read", "/proc");
  add (deny, "deny-read", "/etc");
  CHECK (deny, READ, "/proc/self/root/etc/passwd", DENY);
  CHECK (deny, READ, "/proc/self/status", ALLOW);
}

static void
test_dev_fd (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);
  int fds[2];

  g_assert_cmpint (pipe (fds), ==, 0);
  add (perms, "allow-read", "/");
  add (perms, "allow-write", NULL);
  CHECK (perms, READ, "/dev/fd/0", ASK);
  CHECK (perms, READ, "/dev/fd", ASK);
  CHECK (perms, WRITE, "/dev/stdout", ASK);
  CHECK (perms, READ, "/dev/sda", ASK);
  {
    g_autofree char *fd_path = g_strdup_printf ("/dev/fd/%d", fds[0]);
    g_autofree char *proc_fd = g_strdup_printf ("/proc/self/fd/%d", fds[1]);

    CHECK (perms, READ, fd_path, ASK);
    CHECK (perms, WRITE, proc_fd, ASK);
  }

  /* An explicit rule naming a device grants it. */
  add (perms, "allow-write", "/dev/null");
  CHECK (perms, WRITE, "/dev/null", ALLOW);
  CHECK (perms, WRITE, "/dev/zero", ASK);

  close (fds[0]);
  close (fds[1]);
}

static void
test_most_specific (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);
  g_autoptr(DaPermissions) inverse = da_permissions_new (fixture->dir);

  /* deny inside allow, and allow inside that deny (deno#31224). */
  add (perms, "allow-read", "data");
  add (perms, "deny-read", "data/secret");
  add (perms, "allow-read", "data/secret/public");
  CHECK (perms, READ, "data/x", ALLOW);
  CHECK (perms, READ, "data/secret", DENY);
  CHECK (perms, READ, "data/secret/x", DENY);
  CHECK (perms, READ, "data/secret/public", ALLOW);
  CHECK (perms, READ, "data/secret/public/y", ALLOW);
  CHECK (perms, READ, "elsewhere", ASK);

  /* allow inside deny */
  add (inverse, "deny-write", NULL);
  add (inverse, "allow-write", "out");
  CHECK (inverse, WRITE, "out/report.txt", ALLOW);
  CHECK (inverse, WRITE, "src/main.c", DENY);
  CHECK (inverse, WRITE, "/etc/passwd", DENY);
  /* A deny of everything does cover /proc. */
  CHECK (inverse, WRITE, "/proc/self/mem", DENY);
}

static void
test_equal_specificity (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);
  g_auto(DaPermissionMatch) match = { 0, };

  add (perms, "allow-read", "a");
  add (perms, "deny-read", "a");
  add (perms, "deny-read", "b");
  add (perms, "allow-read", "b");
  add (perms, "allow-net", NULL);
  add (perms, "deny-net", NULL);
  add (perms, "allow-env", "X");
  add (perms, "deny-env", "X");

  CHECK (perms, READ, "a/file", DENY);
  CHECK (perms, READ, "b/file", DENY);
  CHECK (perms, NET, "example.com", DENY);
  CHECK (perms, ENV, "X", DENY);

  g_assert_cmpint (da_permissions_check (perms, READ, "a/file", &match), ==, DENY);
  g_assert_true (match.deny_rule);
  g_assert_cmpstr (match.rule, ==, "a");
  g_assert_nonnull (strstr (match.reason, "--deny-read"));
}

static void
test_home (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *old_home = g_strdup (g_getenv ("HOME"));

  g_setenv ("HOME", fixture->dir, TRUE);
  make_dir (fixture, "Trips");
  add (perms, "allow-read", "~/Trips");
  CHECK_WS (perms, READ, "Trips/plan.md", ALLOW);
  /* Targets are literal: "~" there is a file name in the workspace. */
  CHECK (perms, READ, "~/Trips/plan.md", ASK);
  g_assert_false (da_permissions_add_flag (perms, "allow-read", "~root/x", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE);

  if (old_home)
    g_setenv ("HOME", old_home, TRUE);
  else
    g_unsetenv ("HOME");
}

static void
test_net_numeric (void)
{
  g_autoptr(DaPermissions) perms = da_permissions_new ("/");
  static const char * const loopback[] = {
    "127.0.0.1", "2130706433", "0x7f000001", "0X7F000001", "0177.0.0.1",
    "0177.0.0.01", "127.1", "127.0.1", "0x7f.1", "0x7f.0.0.1", "127.0.0.1.",
    "017700000001", "[::ffff:127.0.0.1]", "[::ffff:127.0.0.1]:80",
    "::ffff:127.0.0.1", "::ffff:7f00:1", "[::ffff:7f00:1]:8080",
    "[0:0:0:0:0:ffff:7f00:1]:22", "2130706433:80", "0x7f000001:443",
    "１２７.０.０.１", "127。0。0。1", "0.0.0.0", "0", "0:80",
  };

  add (perms, "allow-net", NULL);
  add (perms, "deny-net", "127.0.0.1");

  for (guint i = 0; i < G_N_ELEMENTS (loopback); i++)
    CHECK (perms, NET, loopback[i], DENY);

  CHECK (perms, NET, "localhost", DENY);        /* RFC 6761: always loopback */
  CHECK (perms, NET, "LocalHost.:8080", DENY);
  CHECK (perms, NET, "app.localhost", DENY);
  CHECK (perms, NET, "localhost.example.com", ALLOW);
  CHECK (perms, NET, "127.0.0.2", ALLOW);
  CHECK (perms, NET, "128.0.0.1", ALLOW);
  CHECK (perms, NET, "example.com", ALLOW);

  /* Malformed numeric hosts are refused rather than guessed. */
  CHECK (perms, NET, "1.2.3.256", DENY);
  CHECK (perms, NET, "256.1.1.1", DENY);
  CHECK (perms, NET, "4294967296", DENY);
  CHECK (perms, NET, "0x1.0x2.0x3.0x4.5", DENY);
  CHECK (perms, NET, "08.0.0.1", DENY);
  CHECK (perms, NET, "example.123", DENY);
}

static void
test_net_cidr (void)
{
  g_autoptr(DaPermissions) perms = da_permissions_new ("/");
  g_autoptr(GError) error = NULL;

  add (perms, "allow-net", NULL);
  add (perms, "deny-net", "127.0.0.0/8,10.0.0.0/8,169.254.169.254,fd00::/8,::1");
  add (perms, "allow-net", "10.1.0.0/16");
  add (perms, "allow-net", "10.1.2.3");

  CHECK (perms, NET, "127.255.255.254", DENY);
  CHECK (perms, NET, "0x7ffffffe", DENY);
  CHECK (perms, NET, "10.2.0.1", DENY);
  CHECK (perms, NET, "10.1.9.9", ALLOW);        /* longer prefix wins */
  CHECK (perms, NET, "10.1.2.3:22", ALLOW);
  CHECK (perms, NET, "169.254.169.254", DENY);
  CHECK (perms, NET, "2852039166", DENY);       /* 169.254.169.254 */
  CHECK (perms, NET, "[fd12::1]:80", DENY);
  CHECK (perms, NET, "[::1]:80", DENY);
  CHECK (perms, NET, "[::]:80", DENY);          /* :: reaches the local host */
  CHECK (perms, NET, "[2001:db8::1]:80", ALLOW);

  /* A mapped-IPv6 CIDR means the IPv4 range. */
  add (perms, "deny-net", "::ffff:192.168.0.0/112");
  CHECK (perms, NET, "192.168.7.7", DENY);
  CHECK (perms, NET, "192.169.0.1", ALLOW);

  g_assert_false (da_permissions_add_flag (perms, "deny-net", "10.0.0.0/33", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_RULE);
}

static void
test_net_hosts (void)
{
  g_autoptr(DaPermissions) perms = da_permissions_new ("/");

  add (perms, "allow-net", "example.com,Bücher.Example,api.test:8443");

  CHECK (perms, NET, "example.com", ALLOW);
  CHECK (perms, NET, "EXAMPLE.COM", ALLOW);
  CHECK (perms, NET, "Example.Com.:443", ALLOW);
  CHECK (perms, NET, "example.com:443", ALLOW);
  CHECK (perms, NET, "sub.example.com", ASK);
  CHECK (perms, NET, "example.com.evil.net", ASK);
  CHECK (perms, NET, "evilexample.com", ASK);
  CHECK (perms, NET, "xn--bcher-kva.example", ALLOW);
  CHECK (perms, NET, "bücher.example", ALLOW);
  CHECK (perms, NET, "api.test:8443", ALLOW);
  CHECK (perms, NET, "api.test:443", ASK);
  CHECK (perms, NET, "api.test", ASK);          /* a port rule is not every port */

  CHECK (perms, NET, "", DENY);
  CHECK (perms, NET, "exa mple.com", DENY);
  CHECK (perms, NET, "example.com:0", DENY);
  CHECK (perms, NET, "example.com:65536", DENY);
  CHECK (perms, NET, "example.com:", DENY);
  CHECK (perms, NET, "[::1", DENY);
  CHECK (perms, NET, "*.example.com", DENY);
  CHECK (perms, NET, "example.com\n", DENY);
}

static void
test_net_wildcard (void)
{
  g_autoptr(DaPermissions) perms = da_permissions_new ("/");
  g_autoptr(DaPermissions) inverse = da_permissions_new ("/");

  add (perms, "allow-net", "*.example.com");
  add (perms, "deny-net", "evil.example.com");
  CHECK (perms, NET, "api.example.com", ALLOW);
  CHECK (perms, NET, "a.b.example.com:443", ALLOW);
  CHECK (perms, NET, "API.EXAMPLE.COM.", ALLOW);
  CHECK (perms, NET, "example.com", ASK);       /* subdomains only */
  CHECK (perms, NET, "aexample.com", ASK);
  CHECK (perms, NET, "evil.example.com", DENY);
  CHECK (perms, NET, "sub.evil.example.com", ALLOW);

  /* host:port > host > *.longer.domain > *.domain > CIDR > all */
  add (inverse, "deny-net", "*.example.com");
  add (inverse, "allow-net", "*.api.example.com");
  add (inverse, "deny-net", "v1.api.example.com");
  add (inverse, "allow-net", "v1.api.example.com:443");
  CHECK (inverse, NET, "x.example.com", DENY);
  CHECK (inverse, NET, "v2.api.example.com", ALLOW);
  CHECK (inverse, NET, "v1.api.example.com:80", DENY);
  CHECK (inverse, NET, "v1.api.example.com:443", ALLOW);
  /* A port-less target is covered by a port deny but not a port allow. */
  CHECK (inverse, NET, "v1.api.example.com", DENY);

  /* A wildcard with a port is more specific than the same one without. */
  add (inverse, "allow-net", "*.example.com:443");
  CHECK (inverse, NET, "x.example.com:443", ALLOW);
  CHECK (inverse, NET, "x.example.com:80", DENY);
  CHECK (inverse, NET, "v1.api.example.com:80", DENY);
}

static void
test_env (void)
{
  g_autoptr(DaPermissions) perms = da_permissions_new ("/");
  g_autoptr(DaPermissions) all = da_permissions_new ("/");
  g_autoptr(GError) error = NULL;

  add (perms, "allow-env", "AWS_*,HOME");
  add (perms, "deny-env", "AWS_SECRET_*");
  add (perms, "allow-env", "AWS_SECRET_HINT");
  add (perms, "deny-env", "NODE_*");
  add (perms, "allow-env", "NODE_ENV");

  CHECK (perms, ENV, "AWS_REGION", ALLOW);
  CHECK (perms, ENV, "AWS_SECRET_ACCESS_KEY", DENY);   /* longer prefix wins */
  CHECK (perms, ENV, "AWS_SECRET_HINT", ALLOW);        /* exact beats prefix */
  CHECK (perms, ENV, "NODE_ENV", ALLOW);
  CHECK (perms, ENV, "NODE_OPTIONS", DENY);
  CHECK (perms, ENV, "HOME", ALLOW);
  CHECK (perms, ENV, "HOMEDIR", ASK);
  CHECK (perms, ENV, "PATH", ASK);
  CHECK (perms, ENV, "", DENY);
  CHECK (perms, ENV, "A=B", DENY);

  /* Loader variables are never grantable (deno#11964, #25221, #25271). */
  g_assert_false (da_permissions_add_flag (perms, "allow-env", "LD_PRELOAD", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_GRANTABLE);
  g_clear_error (&error);
  g_assert_false (da_permissions_add_flag (perms, "allow-env", "LD_*", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_GRANTABLE);
  g_clear_error (&error);
  g_assert_false (da_permissions_add_flag (perms, "allow-env", "DYLD_INSERT_LIBRARIES", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_GRANTABLE);
  g_clear_error (&error);
  g_assert_false (da_permissions_set_env_value (perms, "LD_LIBRARY_PATH", "/tmp", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_GRANTABLE);
  g_clear_error (&error);

  add (all, "allow-env", NULL);
  add (all, "allow-env", "L*");
  CHECK (all, ENV, "LD_PRELOAD", DENY);
  CHECK (all, ENV, "LD_LIBRARY_PATH", DENY);
  CHECK (all, ENV, "LD_AUDIT", DENY);
  CHECK (all, ENV, "GCONV_PATH", DENY);
  CHECK (all, ENV, "GLIBC_TUNABLES", DENY);
  CHECK (all, ENV, "DYLD_INSERT_LIBRARIES", DENY);
  CHECK (all, ENV, "LANG", ALLOW);
  CHECK (all, ENV, "ld_preload", ALLOW);        /* names are case-sensitive */
  /* A deny rule naming one is fine. */
  add (all, "deny-env", "LD_PRELOAD");
}

static char *
install_tool (Fixture    *fixture,
              const char *rel,
              const char *script)
{
  g_autofree char *path = ws (fixture, rel);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chmod (path, 0755), ==, 0);
  return g_steal_pointer (&path);
}

static void
test_run (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);
  g_autoptr(GError) error = NULL;
  g_auto(DaPermissionMatch) match = { 0, };
  g_autofree char *old_path = g_strdup (g_getenv ("PATH"));
  g_autofree char *bin = ws (fixture, "bin");
  g_autofree char *new_path = g_strconcat (bin, ":", old_path ? old_path : "/usr/bin:/bin", NULL);
  g_autofree char *tool = NULL;
  g_autofree char *copy = NULL;

  make_dir (fixture, "bin");
  tool = install_tool (fixture, "bin/da-tool", "#!/bin/sh\necho safe\n");
  g_setenv ("PATH", new_path, TRUE);

  add (perms, "allow-run", "da-tool");          /* resolved through PATH */
  CHECK (perms, RUN, "da-tool", ALLOW);
  CHECK (perms, RUN, tool, ALLOW);
  CHECK (perms, RUN, "bin/da-tool", ALLOW);
  CHECK (perms, RUN, "sh", ASK);

  /* Same size, different content: the grant no longer applies
   * (denoland/docs#2846: --allow-write lets a script overwrite it). */
  {
    g_autoptr(GError) local_error = NULL;

    g_file_set_contents (tool, "#!/bin/sh\necho evil\n", -1, &local_error);
    g_assert_no_error (local_error);
    g_assert_cmpint (chmod (tool, 0755), ==, 0);
  }
  g_assert_cmpint (da_permissions_check (perms, RUN, "da-tool", &match), ==, ASK);
  g_assert_nonnull (strstr (match.reason, "changed"));
  g_assert_cmpint (da_permissions_check (perms, RUN, tool, NULL), ==, ASK);

  /* Rewriting it in place (same inode) is caught too. */
  {
    int fd = open (tool, O_WRONLY);

    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (pwrite (fd, "#!/bin/sh\necho safe\n", 20, 0), ==, 20);
    close (fd);
  }
  CHECK (perms, RUN, "da-tool", ALLOW);         /* back to the granted bytes */
  {
    int fd = open (tool, O_WRONLY);

    g_assert_cmpint (pwrite (fd, "X", 1, 18), ==, 1);
    close (fd);
  }
  CHECK (perms, RUN, "da-tool", ASK);

  /* Granting the new content makes it allowed again. */
  add (perms, "allow-run", tool);
  CHECK (perms, RUN, "da-tool", ALLOW);

  /* A symlink to the binary is the same executable. */
  make_link (fixture, tool, "bin/alias");
  CHECK (perms, RUN, "alias", ALLOW);

  /* Deny by name covers copies elsewhere. */
  copy = install_tool (fixture, "curl", "#!/bin/sh\n");
  add (perms, "allow-run", NULL);
  add (perms, "deny-run", "curl");
  CHECK (perms, RUN, copy, DENY);
  CHECK (perms, RUN, "sh", ALLOW);

  /* Allowing something that is not there is an error. */
  g_assert_false (da_permissions_add_flag (perms, "allow-run", "da-no-such-tool", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_NOT_FOUND);
  CHECK (perms, RUN, "da-no-such-tool", ASK);

  g_setenv ("PATH", old_path, TRUE);
}

static void
test_run_cache (void)
{
  g_autoptr(DaPermissions) perms = da_permissions_new ("/");
  g_autofree char *sh = g_find_program_in_path ("sh");

  g_assert_nonnull (sh);
  add (perms, "allow-run", sh);
  g_assert_cmpuint (_da_permissions_get_hash_computations (perms), ==, 0);
  CHECK (perms, RUN, sh, ALLOW);
  /* A system binary changed long ago: its hash is cached, and further
   * checks do not read the file again. */
  g_assert_cmpuint (_da_permissions_get_hash_cache_size (perms), ==, 1);
  g_assert_cmpuint (_da_permissions_get_hash_computations (perms), ==, 1);
  CHECK (perms, RUN, sh, ALLOW);
  CHECK (perms, RUN, "sh", ALLOW);
  g_assert_cmpuint (_da_permissions_get_hash_cache_size (perms), ==, 1);
  g_assert_cmpuint (_da_permissions_get_hash_computations (perms), ==, 1);
}

static void
test_run_fresh_not_cached (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);
  g_autofree char *tool = install_tool (fixture, "tool", "#!/bin/sh\n");

  /* Changed just now: timestamps are too coarse to trust, so every check
   * hashes the content again. */
  add (perms, "allow-run", tool);
  CHECK (perms, RUN, tool, ALLOW);
  CHECK (perms, RUN, tool, ALLOW);
  g_assert_cmpuint (_da_permissions_get_hash_cache_size (perms), ==, 0);
  g_assert_cmpuint (_da_permissions_get_hash_computations (perms), ==, 4);
}

static DaPermissions *
load_fixture (Fixture     *fixture,
              const char  *name,
              GError     **error)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "security", name, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  if (g_str_has_suffix (name, ".json"))
    return _da_permissions_parse_team (data, len, fixture->dir, error);
  return _da_permissions_parse_flags (data, len, fixture->dir, error);
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static DaPermissions *
bound_permissions (Fixture    *fixture,
                   const char *path,
                   const char *sha256)
{
  g_autofree char *json = g_strdup_printf ("{\"run\": {\"allow\": [{\"path\": \"%s\", \"sha256\": \"%s\"}]}}",
                                           path, sha256);
  g_autoptr(GError) error = NULL;
  DaPermissions *perms = _da_permissions_parse_team (json, strlen (json), fixture->dir, &error);

  g_assert_no_error (error);
  return perms;
}

/* A run rule saved with the hash the person granted stays bound to it:
 * the program changing after the agent was saved does not move the grant
 * to the new content, as re-hashing a plain name at load would. */
static void
test_run_bound (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *tool = install_tool (fixture, "tool", "#!/bin/sh\necho granted\n");
  g_autofree char *granted = file_sha256 (tool);
  g_autofree char *upper = g_ascii_strup (granted, -1);
  g_autofree char *gone = ws (fixture, "gone");
  g_autoptr(DaPermissions) perms = bound_permissions (fixture, tool, granted);
  g_autoptr(DaPermissions) shouting = bound_permissions (fixture, tool, upper);
  g_autoptr(DaPermissions) missing = bound_permissions (fixture, gone, granted);
  g_autoptr(DaPermissions) reloaded = NULL;
  g_autofree char *link = NULL;

  /* Unchanged: allowed, and the reason names the bound rule. */
  {
    g_auto(DaPermissionMatch) match = { 0, };

    g_assert_cmpint (da_permissions_check (perms, RUN, tool, &match), ==, ALLOW);
    g_assert_false (match.changed);
    g_assert_nonnull (strstr (match.reason, "run rule for"));
    g_assert_cmpstr (match.rule, ==, tool);
  }
  CHECK (shouting, RUN, tool, ALLOW);
  CHECK (perms, RUN, "sh", ASK);
  /* A symlink to it is the same program. */
  link = ws (fixture, "alias");
  g_assert_cmpint (symlink (tool, link), ==, 0);
  CHECK (perms, RUN, link, ALLOW);

  /* A file that is gone loads and covers nothing. */
  CHECK (missing, RUN, gone, ASK);

  /* Changed after the grant: asked for again, saying why. */
  {
    g_auto(DaPermissionMatch) match = { 0, };

    g_free (install_tool (fixture, "tool", "#!/bin/sh\necho changed\n"));

    g_assert_cmpint (da_permissions_check (perms, RUN, tool, &match), ==, ASK);
    g_test_message ("%s", match.reason);
    g_assert_true (match.changed);
    g_assert_nonnull (strstr (match.reason, "changed since granted"));
    g_assert_nonnull (strstr (match.reason, tool));
  }

  /* Loading the saved object again does not take the new content. */
  reloaded = bound_permissions (fixture, tool, granted);
  CHECK (reloaded, RUN, tool, ASK);

  /* Back to the granted bytes: allowed again. */
  g_free (install_tool (fixture, "tool", "#!/bin/sh\necho granted\n"));
  CHECK (reloaded, RUN, tool, ALLOW);

  /* The fixture with every form loads. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DaPermissions) all = load_fixture (fixture, "team-run-bound.json", &error);

    g_assert_no_error (error);
    g_assert_nonnull (all);
  }
}

static void
test_team_full (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) policy = NULL;
  g_autofree char *old_home = g_strdup (g_getenv ("HOME"));
  g_autofree char *out = ws (fixture, "out");

  g_setenv ("HOME", fixture->dir, TRUE);
  perms = load_fixture (fixture, "team-full.json", &error);
  g_assert_no_error (error);

  g_assert_cmpint (da_permissions_get_isolation (perms), ==, DA_ISOLATION_MODERATE);
  g_assert_true (da_permissions_get_fs_temp (perms));
  g_assert_cmpstr (da_permissions_get_cwd (perms), ==, out);
  g_assert_cmpuint (da_permissions_get_quota (perms, DA_QUOTA_MEMORY_MB), ==, 512);
  g_assert_cmpuint (da_permissions_get_quota (perms, DA_QUOTA_CPU_SECONDS), ==, 30);
  g_assert_cmpuint (da_permissions_get_quota (perms, DA_QUOTA_WALL_SECONDS), ==, 60);
  g_assert_cmpuint (da_permissions_get_quota (perms, DA_QUOTA_MAX_PROCESSES), ==, 16);
  g_assert_cmpuint (da_permissions_get_quota (perms, DA_QUOTA_MAX_FILE_MB), ==, 10);
  g_assert_cmpuint (da_permissions_get_quota (perms, DA_QUOTA_MAX_OUTPUT_KB), ==, 256);
  g_assert_cmpuint (da_permissions_get_quota (perms, DA_QUOTA_NET_MAX_CONNECTIONS), ==, 10);

  CHECK (perms, READ, "docs/a.md", ALLOW);
  CHECK (perms, READ, "docs/private/key", DENY);
  CHECK_WS (perms, READ, "Trips/plan.md", ALLOW);
  CHECK (perms, READ, "src/main.c", ASK);
  CHECK (perms, WRITE, "out/x", ALLOW);
  CHECK (perms, WRITE, "docs/a.md", ASK);
  CHECK (perms, NET, "api.example.com:443", ALLOW);
  CHECK (perms, NET, "api.example.com:80", ASK);
  CHECK (perms, NET, "img.cdn.example", ALLOW);
  CHECK (perms, NET, "evil.cdn.example", DENY);
  CHECK (perms, NET, "10.1.1.1", ALLOW);
  CHECK (perms, NET, "10.9.1.1", DENY);
  CHECK (perms, ENV, "LANG", ALLOW);
  CHECK (perms, ENV, "DA_TEST_X", ALLOW);
  CHECK (perms, ENV, "DA_TEST_SECRET", DENY);
  CHECK (perms, RUN, "sh", ALLOW);
  CHECK (perms, RUN, "curl", DENY);

  /* docs/private inside docs cannot become a bind-mount policy. */
  policy = da_permissions_to_sandbox_policy (perms, &error);
  g_assert_null (policy);
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_UNREPRESENTABLE);

  if (old_home)
    g_setenv ("HOME", old_home, TRUE);
}

static void
test_team_errors (Fixture       *fixture,
                  gconstpointer  data)
{
  static const struct { const char *file; int code; const char *prefix; } cases[] = {
    { "team-error-unknown-key.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$.fs.exec: unknown key" },
    { "team-error-unknown-top.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$.network: unknown key" },
    { "team-error-bad-type.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$.net.allow[1]: expected a string" },
    { "team-error-loader-env.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$.env.set.LD_PRELOAD: LD_PRELOAD is a loader variable" },
    { "team-error-allow-ld.json", DA_PERMISSION_ERROR_NOT_GRANTABLE, "$.env.allow[1]: " },
    { "team-error-isolation.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$.isolation: expected" },
    { "team-error-cidr.json", DA_PERMISSION_ERROR_INVALID_RULE, "$.deny.net[0]: Invalid network rule" },
    { "team-error-resource.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$.resources.memory_mb: expected a non-negative integer" },
    { "team-error-resource-key.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$.resources.gpu: unknown key" },
    { "team-error-not-object.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$: expected an object" },
    { "team-error-truncated.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$: " },
    { "team-error-run-missing.json", DA_PERMISSION_ERROR_NOT_FOUND, "$.run.allow[0]: " },
    { "team-error-deny-key.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$.deny.exec: unknown key" },
    { "team-error-run-relative.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$.run.allow[0].path: expected an absolute path" },
    { "team-error-run-sha.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$.run.allow[0].sha256: expected 64 hexadecimal digits" },
    { "team-error-run-key.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$.run.allow[0].args: unknown key" },
    { "team-error-deny-run-object.json", DA_PERMISSION_ERROR_INVALID_POLICY, "$.deny.run[0]: expected a string" },
    { "flags-error-empty.txt", DA_PERMISSION_ERROR_INVALID_RULE, "--allow-read: empty entry" },
    { "flags-error-loader.txt", DA_PERMISSION_ERROR_NOT_GRANTABLE, "--allow-env: " },
    { "flags-error-unknown.txt", DA_PERMISSION_ERROR_UNKNOWN_FLAG, "Unknown permission flag" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DaPermissions) perms = load_fixture (fixture, cases[i].file, &error);

      g_test_message ("%s: %s", cases[i].file, error ? error->message : "(no error)");
      g_assert_null (perms);
      g_assert_error (error, DA_PERMISSION_ERROR, cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, cases[i].prefix));
      g_assert_null (strchr (error->message, '\n'));
    }
}

static void
test_team_json_path (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(DaPermissions) perms = da_permissions_new (fixture->dir);
  g_autoptr(JsonNode) node = json_from_string ("{\"fs\": {\"read\": [\"a\"], \"bogus\": 1}}", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (da_permissions_load_json (perms, node, "$.agents[2].permissions", &error));
  g_assert_error (error, DA_PERMISSION_ERROR, DA_PERMISSION_ERROR_INVALID_POLICY);
  g_assert_cmpstr (error->message, ==, "$.agents[2].permissions.fs.bogus: unknown key (expected read, write or temp)");
  /* Nothing of a failed object is applied. */
  CHECK (perms, READ, "a", ASK);
}

static void
test_team_all (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaPermissions) perms = load_fixture (fixture, "team-all.json", &error);

  g_assert_no_error (error);
  CHECK (perms, READ, "/usr/lib", ALLOW);
  CHECK (perms, READ, "/proc/self/environ", ASK);
  CHECK (perms, WRITE, "/tmp/x", ASK);
  CHECK (perms, NET, "anywhere.example:1", ALLOW);
  CHECK (perms, NET, "169.254.169.254:80", DENY);
  CHECK (perms, NET, "0xa9fea9fe", DENY);
}

static void
test_flags_fixture (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaPermissions) perms = NULL;
  g_autoptr(DaPermissions) all = NULL;
  g_autofree char *old_home = g_strdup (g_getenv ("HOME"));

  g_setenv ("HOME", fixture->dir, TRUE);
  perms = load_fixture (fixture, "flags-full.txt", &error);
  g_assert_no_error (error);
  CHECK (perms, READ, "docs/x", ALLOW);
  CHECK (perms, READ, "docs/private/x", DENY);
  CHECK (perms, NET, "[::1]:8080", ALLOW);
  CHECK (perms, NET, "10.20.30.40:5", ALLOW);
  CHECK (perms, NET, "127.0.0.1", DENY);
  CHECK (perms, ENV, "DA_SECRET", DENY);
  CHECK (perms, ENV, "DA_OTHER", ALLOW);
  CHECK (perms, RUN, "sh", ALLOW);

  all = load_fixture (fixture, "flags-all.txt", &error);
  g_assert_no_error (error);
  CHECK (all, NET, "example.org", ALLOW);
  CHECK (all, READ, "/etc/hosts", DENY);
  CHECK (all, READ, "/usr", ALLOW);
  CHECK (all, ENV, "LD_PRELOAD", DENY);
  CHECK (all, RUN, "sh", ASK);

  if (old_home)
    g_setenv ("HOME", old_home, TRUE);
}

static void
test_policy (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaPermissions) perms = NULL;
  g_autoptr(JsonNode) policy = NULL;
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;

  g_setenv ("DA_POLICY_A", "1", TRUE);
  g_setenv ("DA_POLICY_SECRET", "s", TRUE);
  g_setenv ("LD_PRELOAD", "", TRUE);

  perms = load_fixture (fixture, "team-policy.json", &error);
  g_assert_no_error (error);
  policy = da_permissions_to_sandbox_policy (perms, &error);
  g_assert_no_error (error);
  json = json_to_string (policy, FALSE);
  expected = g_strdup_printf ("{\"isolation\":\"strict\","
                              "\"fs\":{\"read\":[\"%s/src\",\"/usr/share\"],\"write\":[\"%s/out\"],\"temp\":false},"
                              "\"net\":{\"allow\":[\"example.com\",\"[::1]:8080\",\"*.cdn.example:443\",\"192.168.0.0/16\"]},"
                              "\"env\":{\"allow\":[\"DA_POLICY_A\"],\"set\":{\"A\":\"1\",\"B\":\"2\"}},"
                              "\"resources\":{\"memory_mb\":256},"
                              "\"cwd\":\"%s\"}",
                              fixture->dir, fixture->dir, fixture->dir);
  g_assert_cmpstr (json, ==, expected);

  g_unsetenv ("DA_POLICY_A");
  g_unsetenv ("DA_POLICY_SECRET");
  g_unsetenv ("LD_PRELOAD");
}

static void
test_describe (void)
{
  g_autofree char *a = da_permissions_describe (DA_PERMISSION_READ, "/etc/passwd");
  g_autofree char *b = da_permissions_describe (DA_PERMISSION_NET, "evil\x1b[2J\xe2\x80\xae.com");

  g_assert_cmpstr (a, ==, "read access to “/etc/passwd”");
  g_assert_cmpstr (b, ==, "network access to “evil\\x1b[2J\\u202e.com”");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD_F(path, func) \
  g_test_add ((path), Fixture, NULL, fixture_setup, (func), fixture_teardown)

  g_test_add_func ("/permissions/path/normalize", test_normalize);
  ADD_F ("/permissions/flags", test_flags);
  ADD_F ("/permissions/path/traversal", test_traversal);
  ADD_F ("/permissions/path/double-slash", test_double_slash);
  ADD_F ("/permissions/path/symlink-outside", test_symlink_outside);
  ADD_F ("/permissions/path/symlink-into-denied", test_symlink_into_denied);
  ADD_F ("/permissions/path/symlinked-rule", test_symlinked_rule);
  ADD_F ("/permissions/path/proc-self", test_proc_self);
  ADD_F ("/permissions/path/dev-fd", test_dev_fd);
  ADD_F ("/permissions/path/most-specific", test_most_specific);
  ADD_F ("/permissions/path/equal-specificity", test_equal_specificity);
  ADD_F ("/permissions/path/home", test_home);
  g_test_add_func ("/permissions/net/numeric", test_net_numeric);
  g_test_add_func ("/permissions/net/cidr", test_net_cidr);
  g_test_add_func ("/permissions/net/hosts", test_net_hosts);
  g_test_add_func ("/permissions/net/wildcard", test_net_wildcard);
  g_test_add_func ("/permissions/env", test_env);
  ADD_F ("/permissions/run/rewrite", test_run);
  g_test_add_func ("/permissions/run/cache", test_run_cache);
  ADD_F ("/permissions/run/fresh-not-cached", test_run_fresh_not_cached);
  ADD_F ("/permissions/run/bound", test_run_bound);
  g_test_add_func ("/permissions/describe", test_describe);
  ADD_F ("/permissions/team/full", test_team_full);
  ADD_F ("/permissions/team/errors", test_team_errors);
  ADD_F ("/permissions/team/json-path", test_team_json_path);
  ADD_F ("/permissions/team/all", test_team_all);
  ADD_F ("/permissions/flags/fixture", test_flags_fixture);
  ADD_F ("/permissions/policy", test_policy);

  return g_test_run ();
}
