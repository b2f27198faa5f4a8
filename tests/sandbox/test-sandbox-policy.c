/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "da-sandbox-policy-private.h"

static DaSandboxPolicy *
parse_fixture (const char  *name,
               GError     **error)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sandbox", name, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &data, &len, &local_error))
    g_error ("%s", local_error->message);
  return _da_sandbox_policy_parse (data, len, error);
}

static void
test_strict_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaSandboxPolicy) p = parse_fixture ("valid-strict-full.json", &error);
  const char *const read[] = { "/usr", "/lib", "/etc/ssl/certs", NULL };

  g_assert_no_error (error);
  g_assert_nonnull (p);
  g_assert_cmpint (p->isolation, ==, DA_SANDBOX_ISOLATION_STRICT);
  g_assert_cmpstrv (p->fs_read, read);
  g_assert_cmpstr (p->fs_write[0], ==, "/home/user/project/out");
  g_assert_null (p->fs_write[1]);
  g_assert_true (p->fs_temp);
  g_assert_cmpstr (p->env_allow[0], ==, "HOME");
  g_assert_true (g_strv_contains ((const char *const *) p->env_set, "TERM=dumb"));
  g_assert_true (g_strv_contains ((const char *const *) p->env_set, "EMPTY="));
  g_assert_cmpuint (p->memory_mb, ==, 256);
  g_assert_cmpuint (p->cpu_seconds, ==, 10);
  g_assert_cmpuint (p->wall_seconds, ==, 30);
  g_assert_cmpuint (p->max_processes, ==, 16);
  g_assert_cmpuint (p->max_file_mb, ==, 8);
  g_assert_cmpuint (p->max_output_kb, ==, 64);
  g_assert_cmpstr (p->cwd, ==, "/home/user/project/out");
  g_assert_null (p->net_proxy_socket);
}

static void
test_moderate_proxy (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaSandboxPolicy) p = parse_fixture ("valid-moderate-proxy.json", &error);

  g_assert_no_error (error);
  g_assert_cmpint (p->isolation, ==, DA_SANDBOX_ISOLATION_MODERATE);
  g_assert_cmpuint (g_strv_length (p->net_allow), ==, 4);
  g_assert_cmpstr (p->net_allow[1], ==, "*.github.com:443");
  g_assert_cmpuint (p->net_max_connections, ==, 4);
  g_assert_cmpstr (p->net_proxy_socket, ==, "/run/user/1000/denoagents/proxy.sock");
  g_assert_cmpuint (p->net_proxy_port, ==, 8888);
}

static void
test_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaSandboxPolicy) p = parse_fixture ("valid-empty.json", &error);

  g_assert_no_error (error);
  /* Deny by default: the most isolated level and bounded resources. */
  g_assert_cmpint (p->isolation, ==, DA_SANDBOX_ISOLATION_STRICT);
  g_assert_null (p->fs_read[0]);
  g_assert_null (p->fs_write[0]);
  g_assert_false (p->fs_temp);
  g_assert_null (p->env_allow[0]);
  g_assert_null (p->net_allow[0]);
  g_assert_cmpuint (p->memory_mb, ==, DA_SANDBOX_DEFAULT_MEMORY_MB);
  g_assert_cmpuint (p->max_processes, ==, DA_SANDBOX_DEFAULT_MAX_PROCESSES);
  g_assert_cmpuint (p->max_output_kb, ==, DA_SANDBOX_DEFAULT_MAX_OUTPUT_KB);
  g_assert_cmpuint (p->net_proxy_port, ==, DA_SANDBOX_DEFAULT_PROXY_PORT);
  g_assert_null (p->cwd);
}

static void
test_minimal_root (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaSandboxPolicy) p = parse_fixture ("valid-minimal.json", &error);

  g_assert_no_error (error);
  g_assert_cmpint (p->isolation, ==, DA_SANDBOX_ISOLATION_MINIMAL);
  g_assert_cmpstr (p->fs_read[0], ==, "/");
}

static const struct {
  const char *file;
  const char *needle;   /* the JSON path the message must name */
} invalid[] = {
  { "invalid-unknown-top.json", "bogus: unknown key" },
  { "invalid-unknown-fs.json", "fs.exec: unknown key" },
  { "invalid-unknown-net.json", "net.hosts: unknown key" },
  { "invalid-unknown-env.json", "env.pass: unknown key" },
  { "invalid-unknown-resource.json", "resources.memory: unknown key" },
  { "invalid-relative-path.json", "fs.read[0]: must be an absolute path" },
  { "invalid-tilde.json", "fs.read[0]: must be an absolute path" },
  { "invalid-dotdot.json", "fs.write[0]" },
  { "invalid-ld-allow.json", "env.allow[1]: LD_*" },
  { "invalid-ld-set.json", "env.set.LD_LIBRARY_PATH: LD_*" },
  { "invalid-env-name.json", "env.set.A-B" },
  { "invalid-env-value.json", "env.set.A: must be a string" },
  { "invalid-isolation.json", "isolation: must be" },
  { "invalid-negative.json", "resources.memory_mb" },
  { "invalid-float.json", "resources.cpu_seconds: must be an integer" },
  { "invalid-zero.json", "resources.max_processes" },
  { "invalid-net-strict.json", "net.allow" },
  { "invalid-net-no-proxy.json", "net.allow: needs net.proxy_socket" },
  { "invalid-host.json", "net.allow[0]" },
  { "invalid-port.json", "net.proxy_port" },
  { "invalid-temp.json", "fs.temp" },
  { "invalid-not-object.json", "$: must be an object" },
  { "invalid-truncated.json", "$:" },
  { "invalid-cwd.json", "cwd: must be an absolute path" },
  { "invalid-not-array.json", "fs.read: must be an array" },
  { "invalid-duplicate-key.json", "duplicate key" },
  { "invalid-trailing-comma.json", "invalid JSON" },
  { "invalid-comment.json", "trailing data" },
  { "invalid-deep.json", "nested too deeply" },
  { "invalid-nul-escape.json", "NUL in string" },
  { "invalid-lone-surrogate.json", "unpaired surrogate" },
  { "invalid-exponent.json", "resources.memory_mb: must be an integer" },
  { "invalid-utf8.json", "not UTF-8" },
  { "invalid-bignum.json", "resources.memory_mb: must be an integer" },
};

static void
test_escapes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaSandboxPolicy) p = parse_fixture ("valid-escapes.json", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (p->cwd, ==, "/caf\xc3\xa9/\xf0\x9f\x98\x80");
  g_assert_cmpstr (p->env_set[0], ==, "GREETING=tab\there \"quoted\" \\ /");
}

static void
test_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DaSandboxPolicy) p = parse_fixture (invalid[i].file, &error);

      g_test_message ("%s: %s", invalid[i].file, error ? error->message : "(parsed)");
      g_assert_null (p);
      g_assert_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_INVALID_POLICY);
      g_assert_nonnull (strstr (error->message, invalid[i].needle));
      g_assert_null (strchr (error->message, '\n'));
    }
}

static void
test_every_fixture_classified (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "sandbox", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DaSandboxPolicy) p = NULL;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      p = parse_fixture (name, &error);
      if (g_str_has_prefix (name, "valid-"))
        g_assert_no_error (error);
      else
        g_assert_nonnull (error);
      n++;
    }
  g_assert_cmpuint (n, >=, G_N_ELEMENTS (invalid) + 4);
}

static void
test_nul_and_size (void)
{
  static const char with_nul[] = "{\"cwd\":\"/a\"}\0{}";
  g_autoptr(GError) error = NULL;
  g_autoptr(DaSandboxPolicy) p = _da_sandbox_policy_parse (with_nul, sizeof with_nul - 1, &error);

  g_assert_null (p);
  g_assert_error (error, DA_SANDBOX_ERROR, DA_SANDBOX_ERROR_INVALID_POLICY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sandbox/policy/strict-full", test_strict_full);
  g_test_add_func ("/sandbox/policy/moderate-proxy", test_moderate_proxy);
  g_test_add_func ("/sandbox/policy/defaults", test_defaults);
  g_test_add_func ("/sandbox/policy/minimal-root", test_minimal_root);
  g_test_add_func ("/sandbox/policy/escapes", test_escapes);
  g_test_add_func ("/sandbox/policy/invalid", test_invalid);
  g_test_add_func ("/sandbox/policy/every-fixture", test_every_fixture_classified);
  g_test_add_func ("/sandbox/policy/nul", test_nul_and_size);

  return g_test_run ();
}
