# tests/ui/: the real UI driven in tmux against the emulator.
UI_TESTS = \
	tests/ui/ui_flows.sh \
	tests/ui/ui_term.sh \
	tests/ui/ui_more.sh \
	tests/ui/ui_admin.sh \
	tests/ui/ui_bulk.sh \
	tests/ui/ui_dialogs.sh \
	tests/ui/ui_export.sh \
	tests/ui/ui_widths.sh \
	tests/ui/ui_words.sh \
	tests/ui/ui_messages.sh \
	tests/ui/ui_secret.sh \
	tests/ui/ui_view.sh \
	tests/ui/ui_results.sh \
	tests/ui/ui_colors.sh \
	tests/ui/ui_habits.sh \
	tests/ui/ui_halt.sh \
	tests/ui/ui_prompt.sh \
	tests/ui/ui_loading.sh \
	tests/ui/ui_rotate.sh \
	tests/ui/ui_clock.sh \
	tests/ui/ui_permissions.sh \
	tests/ui/ui_scopes.sh \
	tests/ui/ui_estate.sh \
	tests/ui/ui_estate_bulk.sh \
	tests/ui/ui_estate_one.sh \
	tests/ui/ui_estate_threads.sh \
	tests/ui/ui_estate_twins.sh \
	tests/ui/ui_estate_resume.sh \
	tests/ui/ui_estate_picker.sh \
	tests/ui/ui_paragraphs.sh \
	tests/ui/ui_review_safety.sh \
	tests/ui/ui_review_words.sh
if WITH_EMULATOR
TESTS += $(UI_TESTS)
endif
EXTRA_DIST += tests/ui/lib.sh $(UI_TESTS)
