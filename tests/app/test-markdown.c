/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <pango/pango.h>
#include <string.h>

#include "da-markdown-private.h"

static void
assert_markup_valid (const DaMdBlock *block)
{
  if (block->text != NULL && block->type != DA_MD_CODE)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GRegex) links = g_regex_new ("<a href=\"[^\"]*\">|</a>", 0, 0, NULL);
      g_autofree char *pango = NULL;

      /* GtkLabel understands <a href>; Pango itself does not. */
      pango = g_regex_replace_literal (links, block->text, -1, 0, "", 0, NULL);
      if (!pango_parse_markup (pango, -1, 0, NULL, NULL, NULL, &error))
        g_error ("invalid markup «%s»: %s", block->text, error->message);
    }

  for (guint i = 0; i < block->children->len; i++)
    assert_markup_valid (g_ptr_array_index (block->children, i));
}

/* Each fixture NAME.md has the tree we expect in NAME.tree. */
static void
test_fixture (gconstpointer data)
{
  const char *name = data;
  g_autofree char *md_name = g_strconcat (name, ".md", NULL);
  g_autofree char *tree_name = g_strconcat (name, ".tree", NULL);
  g_autofree char *md_path = g_test_build_filename (G_TEST_DIST, "data", "app", md_name, NULL);
  g_autofree char *tree_path = g_test_build_filename (G_TEST_DIST, "data", "app", tree_name, NULL);
  g_autofree char *md = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  g_autoptr(DaMdBlock) root = NULL;
  g_autoptr(DaMdBlock) again = NULL;
  g_autoptr(GError) error = NULL;
  gsize md_len;

  g_assert_true (g_file_get_contents (md_path, &md, &md_len, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (tree_path, &expected, NULL, &error));
  g_assert_no_error (error);

  root = _da_markdown_parse (md, md_len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
  actual = _da_md_block_to_string (root);
  g_assert_cmpstr (actual, ==, expected);
  assert_markup_valid (root);

  again = _da_markdown_parse (md, md_len, &error);
  g_assert_no_error (error);
  g_assert_true (_da_md_block_equal (root, again));
}

/* While a reply streams, every prefix of it is rendered. */
static void
test_every_prefix (void)
{
  const char *names[] = { "basic.md", "code.md", "table.md", "nested.md", "invalid-utf8.md" };

  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "app", names[n], NULL);
      g_autofree char *md = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &md, &len, NULL));
      for (gsize i = 0; i <= len; i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(DaMdBlock) root = _da_markdown_parse (md, i, &error);

          g_assert_no_error (error);
          g_assert_nonnull (root);
          assert_markup_valid (root);
        }
    }
}

static void
test_links_never_nested (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMdBlock) root = _da_markdown_parse ("[![logo](https://a.example/l.png)](https://b.example/)", -1, &error);
  DaMdBlock *para;

  g_assert_no_error (error);
  para = g_ptr_array_index (root->children, 0);
  g_assert_cmpstr (para->text, ==, "<a href=\"https://b.example/\"><i>logo</i></a>");
  assert_markup_valid (root);
}

static void
test_equal_detects_changes (void)
{
  g_autoptr(DaMdBlock) a = _da_markdown_parse ("para\n\n```c\nint x;\n```\n", -1, NULL);
  g_autoptr(DaMdBlock) b = _da_markdown_parse ("para\n\n```c\nint y;\n```\n", -1, NULL);
  g_autoptr(DaMdBlock) c = _da_markdown_parse ("para\n\n```c\nint x;\n```\n", -1, NULL);

  g_assert_false (_da_md_block_equal (a, b));
  g_assert_true (_da_md_block_equal (a, c));
  g_assert_true (_da_md_block_equal (g_ptr_array_index (a->children, 0),
                                     g_ptr_array_index (b->children, 0)));
}

static void
test_too_large (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_malloc0 (DA_MARKDOWN_MAX_SIZE + 2);
  g_autoptr(DaMdBlock) root = NULL;

  memset (big, 'a', DA_MARKDOWN_MAX_SIZE + 1);
  root = _da_markdown_parse (big, -1, &error);
  g_assert_null (root);
  g_assert_error (error, DA_MARKDOWN_ERROR, DA_MARKDOWN_ERROR_TOO_LARGE);
}

static void
test_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DaMdBlock) root = _da_markdown_parse ("", 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (root->children->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  const char *fixtures[] = { "basic", "code", "table", "nested", "invalid-utf8" };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *path = g_strdup_printf ("/app/markdown/fixture/%s", fixtures[i]);
      g_test_add_data_func (path, fixtures[i], test_fixture);
    }
  g_test_add_func ("/app/markdown/every-prefix", test_every_prefix);
  g_test_add_func ("/app/markdown/links-never-nested", test_links_never_nested);
  g_test_add_func ("/app/markdown/equal", test_equal_detects_changes);
  g_test_add_func ("/app/markdown/too-large", test_too_large);
  g_test_add_func ("/app/markdown/empty", test_empty);

  return g_test_run ();
}
