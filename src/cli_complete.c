/*
 * cli_complete.c: `patrol completion bash|zsh|fish`.
 *
 * Each script is generated from the command and option tables of cli.c
 * (cli_command_*, cli_option_*), the sort keys and audit flags of token.h
 * and the settings of cli_cmds.c, so a new command or option completes
 * without touching this file. What an option's value completes to is the
 * one table below (option_values); profile names are read from the config
 * file at completion time (DATABRICKS_CONFIG_FILE, else ~/.databrickscfg).
 * `make install` puts the three scripts where each shell looks for them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_output.h"
#include "token.h"

/* What an option's value completes to. */
enum value_kind { V_NONE, V_PROFILE, V_FORMAT, V_SORT, V_FILTER, V_SCOPE, V_FILE };

static const struct {
	const char *option;
	enum value_kind kind;
} option_values[] = {
	{ "profile", V_PROFILE }, { "profiles", V_PROFILE }, { "output", V_FORMAT }, { "sort", V_SORT },
	{ "filter", V_FILTER }, { "scope", V_SCOPE }, { "ca-file", V_FILE }, { "from", V_FILE },
};

/* Scope names of token-api.md ("Scopes"), with the read-only variants
 * people use most. */
static const char *const scope_names[] = {
	"sql", "jobs", "clusters", "pipelines", "workspace", "secrets", "unity-catalog",
	"mlflow", "model-serving", "dashboards", "alerts", "apps", "files", "scim", "iam",
	"access-management", "vector-search", "authentication", "all-apis", "sql:read",
	"jobs:read", "clusters:read", "workspace:read",
};

/* Filter terms that take a value (token.h, "filter language"). */
static const char *const filter_fields[] = {
	"owner:", "comment:", "scope:", "id:", "expires:", "unused:", "created:",
};

static const char *const formats = "table json csv";
static const char *const shells = "bash zsh fish";

/* The sed program that lists the profiles (sections) of an INI file. */
#define PROFILES_SED "s/^[[:space:]]*\\[[[:space:]]*\\([^]]*[^][:space:]]\\)[[:space:]]*\\][[:space:]]*$/\\1/p"

static enum value_kind
value_kind(const char *option)
{
	size_t i;

	for (i = 0; i < sizeof option_values / sizeof option_values[0]; i++) {
		if (strcmp(option_values[i].option, option) == 0)
			return option_values[i].kind;
	}
	return V_NONE;
}

/* The words a kind completes to, space-separated (static kinds only). */
static void
value_words(FILE *fp, enum value_kind kind)
{
	size_t i;

	switch (kind) {
	case V_FORMAT:
		fputs(formats, fp);
		break;
	case V_SORT:
		for (i = 0; i < TOKEN_SORT_COUNT; i++)
			fprintf(fp, "%s%s %s:desc %s:asc", i ? " " : "",
				token_sort_name((enum token_sort_key)i),
				token_sort_name((enum token_sort_key)i),
				token_sort_name((enum token_sort_key)i));
		break;
	case V_FILTER:
		for (i = 0; i < sizeof filter_fields / sizeof filter_fields[0]; i++)
			fprintf(fp, "%s%s", i ? " " : "", filter_fields[i]);
		for (i = 0; i < TOKEN_FLAG_COUNT; i++)
			fprintf(fp, " flag:%s", token_flag_name((enum token_flag_bit)i));
		fputs(" expires:never scope:none", fp);
		break;
	case V_SCOPE:
		for (i = 0; i < sizeof scope_names / sizeof scope_names[0]; i++)
			fprintf(fp, "%s%s", i ? " " : "", scope_names[i]);
		break;
	default:
		break;
	}
}

static void
command_words(FILE *fp)
{
	size_t i;

	for (i = 0; i < cli_command_count(); i++)
		fprintf(fp, "%s%s", i ? " " : "", cli_command_name(i));
}

/* Commands whose positional arguments complete to known words. */
enum positional { P_NONE, P_SHELLS, P_COMMANDS, P_SETTINGS, P_PERMISSIONS };

static const struct {
	const char *command;
	enum positional kind;
} positionals[] = {
	{ "completion", P_SHELLS }, { "help", P_COMMANDS }, { "settings", P_SETTINGS },
	{ "permissions", P_PERMISSIONS },
};

static enum positional
positional_kind(const char *cmd)
{
	size_t i;

	for (i = 0; i < sizeof positionals / sizeof positionals[0]; i++) {
		if (strcmp(positionals[i].command, cmd) == 0)
			return positionals[i].kind;
	}
	return P_NONE;
}

/* What a command's positional arguments complete to (static words). */
static void
positional_words(FILE *fp, const char *cmd)
{
	size_t i;

	switch (positional_kind(cmd)) {
	case P_SHELLS:
		fputs(shells, fp);
		break;
	case P_COMMANDS:
		command_words(fp);
		break;
	case P_SETTINGS:
		fputs("get set", fp);
		for (i = 0; cli_setting_name(i) != NULL; i++)
			fprintf(fp, " %s", cli_setting_name(i));
		break;
	case P_PERMISSIONS:
		fputs("grant remove", fp);
		break;
	case P_NONE:
		break;
	}
}

/* Options of command cmd (SIZE_MAX: the global ones), as "-p --profile …". */
static void
option_words(FILE *fp, size_t cmd)
{
	struct cli_option_info o;
	size_t i;
	int n = 0;

	for (i = 0; i < cli_option_count(); i++) {
		cli_option_info(i, &o);
		if (cmd == (size_t)-1 ? !o.global : (o.global || !cli_option_applies(i, cmd)))
			continue;
		if (o.short_name)
			fprintf(fp, "%s-%c", n++ ? " " : "", o.short_name);
		fprintf(fp, "%s--%s", n++ ? " " : "", o.name);
	}
}

/* ---- bash --------------------------------------------------------------- */

/* The case patterns of options that take a value: "-p|--profile|…". */
static void
bash_valued(FILE *fp, enum value_kind only, bool any)
{
	struct cli_option_info o;
	size_t i;
	int n = 0;

	for (i = 0; i < cli_option_count(); i++) {
		cli_option_info(i, &o);
		if (!o.has_arg || (!any && value_kind(o.name) != only))
			continue;
		if (o.short_name)
			fprintf(fp, "%s-%c", n++ ? "|" : "", o.short_name);
		fprintf(fp, "%s--%s", n++ ? "|" : "", o.name);
	}
	if (n == 0)
		fputs("--patrol-no-such-option", fp);
}

static void
bash_values(FILE *fp)
{
	static const enum value_kind words[] = { V_FORMAT, V_SORT, V_FILTER, V_SCOPE };
	size_t i;

	fputs("\tcase $prev in\n\t", fp);
	bash_valued(fp, V_PROFILE, false);
	fputs(")\n\t\tCOMPREPLY=($(compgen -W \"$(_patrol_profiles)\" -- \"$cur\")); return ;;\n\t", fp);
	bash_valued(fp, V_FILE, false);
	fputs(")\n\t\tcompopt -o filenames 2>/dev/null\n"
	      "\t\tCOMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", fp);
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		fputc('\t', fp);
		bash_valued(fp, words[i], false);
		fputs(")\n\t\t_patrol_reply \"", fp);
		value_words(fp, words[i]);
		fputs("\"; return ;;\n", fp);
	}
	fputc('\t', fp);
	bash_valued(fp, V_NONE, true);
	fputs(")\n\t\treturn ;;\n\tesac\n", fp);
}

static void
bash_options(FILE *fp)
{
	size_t i;

	fputs("\tif [[ $cur == -* ]]; then\n\t\tcase $cmd in\n", fp);
	for (i = 0; i < cli_command_count(); i++) {
		fprintf(fp, "\t\t%s) _patrol_reply \"", cli_command_name(i));
		option_words(fp, (size_t)-1);
		fputc(' ', fp);
		option_words(fp, i);
		fputs("\" ;;\n", fp);
	}
	fputs("\t\t*) _patrol_reply \"", fp);
	option_words(fp, (size_t)-1);
	fputs("\" ;;\n\t\tesac\n\t\treturn\n\tfi\n", fp);
}

static void
bash_positionals(FILE *fp)
{
	size_t i;

	fputs("\tcase $cmd in\n\t\"\") _patrol_reply \"", fp);
	command_words(fp);
	fputs("\" ;;\n", fp);
	for (i = 0; i < cli_command_count(); i++) {
		fprintf(fp, "\t%s) _patrol_reply \"", cli_command_name(i));
		positional_words(fp, cli_command_name(i));
		fputs("\" ;;\n", fp);
	}
	fputs("\tesac\n", fp);
}

static void
complete_bash(FILE *fp)
{
	fputs("# bash completion for patrol, generated by `patrol completion bash` from its\n"
	      "# command and option tables. make install puts it where bash-completion\n"
	      "# looks; or: patrol completion bash > ~/.local/share/bash-completion/completions/patrol\n\n"
	      "_patrol_profiles()\n{\n"
	      "\tlocal f=${DATABRICKS_CONFIG_FILE:-$HOME/.databrickscfg}\n"
	      "\t[ -r \"$f\" ] || return 0\n"
	      "\tsed -n '" PROFILES_SED "' \"$f\" | grep -vx __settings__\n}\n\n"
	      "# Offer the words of $1 that start with the word being completed. bash\n"
	      "# splits words at ':' (COMP_WORDBREAKS): then only what follows it.\n"
	      "_patrol_reply()\n{\n"
	      "\tCOMPREPLY=($(compgen -W \"$1\" -- \"$cur\"))\n"
	      "\tif [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then\n"
	      "\t\tlocal pre=${cur%\"${cur##*:}\"} i\n"
	      "\t\tfor i in \"${!COMPREPLY[@]}\"; do COMPREPLY[i]=${COMPREPLY[i]#\"$pre\"}; done\n"
	      "\tfi\n}\n\n"
	      "_patrol()\n{\n"
	      "\tlocal line=${COMP_LINE:0:COMP_POINT} cur prev words cword cmd= i w\n"
	      "\tread -ra words <<<\"$line\"\n"
	      "\t[[ $line == *[[:space:]] || ${#words[@]} -lt 1 ]] && words+=(\"\")\n"
	      "\tcword=$((${#words[@]} - 1))\n"
	      "\tcur=${words[cword]} prev=${words[cword-1]}\n"
	      "\tfor ((i = 1; i < cword; i++)); do\n"
	      "\t\tw=${words[i]}\n\t\tcase $w in\n\t\t", fp);
	bash_valued(fp, V_NONE, true);
	fputs(") ((i++)) ;;\n\t\t-*) ;;\n\t\t*) cmd=$w; break ;;\n\t\tesac\n\tdone\n", fp);
	bash_values(fp);
	bash_options(fp);
	bash_positionals(fp);
	fputs("}\n\ncomplete -F _patrol patrol\n", fp);
}

/* ---- zsh ---------------------------------------------------------------- */

/* Write s for a zsh single-quoted _arguments description: ' : [ ] escaped. */
static void
zsh_text(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs("'\\''", fp);
		else if (*s == ':' || *s == '[' || *s == ']' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else
			fputc(*s, fp);
	}
}

/* One _arguments spec for option o. */
static void
zsh_option(FILE *fp, const struct cli_option_info *o)
{
	static const char *const actions[] = {
		[V_NONE] = " ", [V_PROFILE] = "_patrol_profiles", [V_FORMAT] = "(table json csv)",
		[V_SORT] = "_patrol_words sort", [V_FILTER] = "_patrol_words filter",
		[V_SCOPE] = "_patrol_words scope", [V_FILE] = "_files",
	};

	fputs("\t\t", fp);
	if (o->short_name)
		fprintf(fp, "'(-%c --%s)'{-%c%s,--%s%s}'", o->short_name, o->name, o->short_name,
			o->has_arg ? "+" : "", o->name, o->has_arg ? "=" : "");
	else
		fprintf(fp, "'--%s%s", o->name, o->has_arg ? "=" : "");
	fputc('[', fp);
	zsh_text(fp, o->help);
	fputc(']', fp);
	if (o->has_arg) {
		fputc(':', fp);
		zsh_text(fp, o->arg ? o->arg : "value");
		fprintf(fp, ":%s", actions[value_kind(o->name)]);
	}
	fputs("'\n", fp);
}

/* A zsh array NAME of the option specs of cmd (SIZE_MAX: global). */
static void
zsh_option_array(FILE *fp, const char *name, size_t cmd)
{
	struct cli_option_info o;
	size_t i;

	fprintf(fp, "\tlocal -a %s\n\t%s=(\n", name, name);
	for (i = 0; i < cli_option_count(); i++) {
		cli_option_info(i, &o);
		if (cmd == (size_t)-1 ? o.global : (!o.global && cli_option_applies(i, cmd)))
			zsh_option(fp, &o);
	}
	fputs("\t)\n", fp);
}

static void
zsh_words(FILE *fp)
{
	static const struct { const char *name; enum value_kind kind; } w[] = {
		{ "sort", V_SORT }, { "filter", V_FILTER }, { "scope", V_SCOPE },
	};
	size_t i;

	fputs("_patrol_words() {\n\tcase $1 in\n", fp);
	for (i = 0; i < sizeof w / sizeof w[0]; i++) {
		fprintf(fp, "\t%s) compadd -- ", w[i].name);
		value_words(fp, w[i].kind);
		fputs(" ;;\n", fp);
	}
	fputs("\tesac\n}\n\n", fp);
}

/* settings get | set NAME VALUE */
static void
zsh_settings(FILE *fp)
{
	size_t i;

	fputs(" '1:action:(get set)' '2:setting:(", fp);
	for (i = 0; cli_setting_name(i) != NULL; i++)
		fprintf(fp, "%s%s", i ? " " : "", cli_setting_name(i));
	fputs(")' '3:value: '", fp);
}

static void
zsh_commands(FILE *fp)
{
	size_t i;

	fputs("\tcommand)\n\t\tlocal -a cmds\n\t\tcmds=(\n", fp);
	for (i = 0; i < cli_command_count(); i++) {
		fprintf(fp, "\t\t\t'%s:", cli_command_name(i));
		zsh_text(fp, cli_command_summary(i));
		fputs("'\n", fp);
	}
	fputs("\t\t)\n\t\t_describe -t commands command cmds ;;\n\targs)\n\t\tcase $words[1] in\n", fp);
	for (i = 0; i < cli_command_count(); i++) {
		fprintf(fp, "\t\t%s)\n", cli_command_name(i));
		zsh_option_array(fp, "own", i);
		fputs("\t\t\t_arguments -s $global $own", fp);
		if (strcmp(cli_command_name(i), "settings") == 0)
			zsh_settings(fp);
		else if (strcmp(cli_command_name(i), "completion") == 0)
			fprintf(fp, " '1:shell:(%s)'", shells);
		else if (strcmp(cli_command_name(i), "help") == 0) {
			fputs(" '1:command:(", fp);
			command_words(fp);
			fputs(")'", fp);
		} else
			fputs(" '*:argument: '", fp);
		fputs(" ;;\n", fp);
	}
	fputs("\t\tesac ;;\n", fp);
}

static void
complete_zsh(FILE *fp)
{
	fputs("#compdef patrol\n"
	      "# zsh completion for patrol, generated by `patrol completion zsh` from its\n"
	      "# command and option tables. make install puts it in a directory of $fpath\n"
	      "# (site-functions); or save it as _patrol in one.\n\n"
	      "_patrol_profiles() {\n"
	      "\tlocal f=${DATABRICKS_CONFIG_FILE:-$HOME/.databrickscfg}\n"
	      "\t[[ -r $f ]] || return 1\n"
	      "\tcompadd -- ${(f)\"$(sed -n '" PROFILES_SED "' $f | grep -vx __settings__)\"}\n"
	      "}\n\n", fp);
	zsh_words(fp);
	fputs("_patrol() {\n\tlocal curcontext=$curcontext state line ret=1\n"
	      "\ttypeset -A opt_args\n", fp);
	zsh_option_array(fp, "global", (size_t)-1);
	fputs("\t_arguments -C -s $global '1:command:->command' '*::argument:->args' && ret=0\n"
	      "\tcase $state in\n", fp);
	zsh_commands(fp);
	fputs("\tesac\n\treturn ret\n}\n\n"
	      "# Complete when autoloaded; when sourced, register the function.\n"
	      "if [[ $funcstack[1] == _patrol ]]; then\n\t_patrol \"$@\"\nelse\n"
	      "\tcompdef _patrol patrol\nfi\n", fp);
}

/* ---- fish --------------------------------------------------------------- */

/* Write s single-quoted for fish. */
static void
fish_quote(FILE *fp, const char *s)
{
	fputc('\'', fp);
	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('\'', fp);
}

/* "-s p -l profile" and how its value completes. */
static void
fish_option(FILE *fp, const struct cli_option_info *o)
{
	enum value_kind k = value_kind(o->name);

	if (o->short_name)
		fprintf(fp, " -s %c", o->short_name);
	fprintf(fp, " -l %s", o->name);
	if (o->has_arg && k == V_FILE)
		fputs(" -r -F", fp);
	else if (o->has_arg && k == V_PROFILE)
		fputs(" -x -a '(__patrol_profiles)'", fp);
	else if (o->has_arg && k != V_NONE) {
		fputs(" -x -a '", fp);
		value_words(fp, k);
		fputc('\'', fp);
	} else if (o->has_arg)
		fputs(" -x", fp);
	fputs(" -d ", fp);
	fish_quote(fp, o->help);
	fputc('\n', fp);
}

/* The condition: the command is one of those option i applies to. */
static void
fish_condition(FILE *fp, size_t opt)
{
	size_t i;

	fputs(" -n '__patrol_using", fp);
	for (i = 0; i < cli_command_count(); i++) {
		if (cli_option_applies(opt, i))
			fprintf(fp, " %s", cli_command_name(i));
	}
	fputc('\'', fp);
}

static void
fish_functions(FILE *fp)
{
	struct cli_option_info o;
	size_t i;

	fputs("function __patrol_profiles\n"
	      "\tset -l f $DATABRICKS_CONFIG_FILE\n"
	      "\ttest -n \"$f\"; or set f ~/.databrickscfg\n"
	      "\ttest -r $f; or return\n"
	      "\tsed -n '" PROFILES_SED "' $f | string match -v -- __settings__\n"
	      "end\n\n"
	      "# The command given so far (options and their values skipped), or nothing.\n"
	      "function __patrol_command\n"
	      "\tset -l tokens (commandline -opc)\n\tset -e tokens[1]\n\tset -l skip 0\n"
	      "\tfor t in $tokens\n"
	      "\t\tif test $skip = 1\n\t\t\tset skip 0\n\t\t\tcontinue\n\t\tend\n"
	      "\t\tswitch $t\n\t\t\tcase", fp);
	for (i = 0; i < cli_option_count(); i++) {
		cli_option_info(i, &o);
		if (!o.has_arg)
			continue;
		if (o.short_name)
			fprintf(fp, " -%c", o.short_name);
		fprintf(fp, " --%s", o.name);
	}
	fputs("\n\t\t\t\tset skip 1\n\t\t\tcase '-*'\n\t\t\tcase '*'\n"
	      "\t\t\t\techo $t\n\t\t\t\treturn\n\t\tend\n\tend\nend\n\n"
	      "function __patrol_needs_command\n\ttest -z (__patrol_command)\nend\n\n"
	      "function __patrol_using\n\tcontains -- (__patrol_command) $argv\nend\n\n", fp);
}

static void
complete_fish(FILE *fp)
{
	struct cli_option_info o;
	size_t i;

	fputs("# fish completion for patrol, generated by `patrol completion fish` from its\n"
	      "# command and option tables. make install puts it in vendor_completions.d;\n"
	      "# or: patrol completion fish > ~/.config/fish/completions/patrol.fish\n\n", fp);
	fish_functions(fp);
	fputs("complete -c patrol -f\n", fp);
	for (i = 0; i < cli_command_count(); i++) {
		fprintf(fp, "complete -c patrol -n __patrol_needs_command -a %s -d ",
			cli_command_name(i));
		fish_quote(fp, cli_command_summary(i));
		fputc('\n', fp);
		if (positional_kind(cli_command_name(i)) == P_NONE)
			continue;
		fprintf(fp, "complete -c patrol -n '__patrol_using %s' -a '",
			cli_command_name(i));
		positional_words(fp, cli_command_name(i));
		fputs("'\n", fp);
	}
	for (i = 0; i < cli_option_count(); i++) {
		cli_option_info(i, &o);
		fputs("complete -c patrol", fp);
		if (!o.global)
			fish_condition(fp, i);
		fish_option(fp, &o);
	}
}

/* ---- the command --------------------------------------------------------- */

static const struct {
	const char *shell;
	void (*write)(FILE *fp);
} generators[] = {
	{ "bash", complete_bash }, { "zsh", complete_zsh }, { "fish", complete_fish },
};

int
cli_cmd_completion(struct cli *cli, int argc, char **argv)
{
	size_t i;

	(void)cli;
	if (argc != 2) {
		cli_msg("completion: give the shell: patrol completion bash|zsh|fish");
		return 2;
	}
	for (i = 0; i < sizeof generators / sizeof generators[0]; i++) {
		if (strcmp(argv[1], generators[i].shell) == 0) {
			generators[i].write(cli_output_stdout());
			return 0;
		}
	}
	cli_msg("completion: no completion for '%s' (bash, zsh or fish)", argv[1]);
	return 2;
}
