"""evaluation: survey questions' translations kept apart from their English, text by text

Revision ID: evaluation_0003_translations
Revises: evaluation_0002
Create Date: 2026-12-07 20:00:00.000000

Inline questions imported before this revision may hold a text as ``{en: …, it: …}``: the English
stays in ``questions``, the other languages move to ``translations`` (counted as up to date, as
they were imported with that English).
"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'evaluation_0003_translations'
down_revision = 'evaluation_0002'
branch_labels = None
depends_on = None

surveys = sa.table('evaluation_surveys', sa.column('id', sa.Integer()), sa.column('questions', sa.JSON()),
                   sa.column('translations', sa.JSON()))


def _split(value, key, translations):
    if not isinstance(value, dict):
        return value
    for locale, text in value.items():
        if locale != 'en' and isinstance(text, str) and text.strip():
            translations.setdefault(locale, {})[key] = text.strip()
    return str(value.get('en') or next(iter(value.values()), ''))


def _joined(value, key, translations):
    if not isinstance(value, str):
        return value
    found = {locale: entry[key] for locale, entry in translations.items() if isinstance(entry, dict) and entry.get(key)}
    return {'en': value, **found} if found else value


def _rewrite(split: bool) -> None:
    connection = op.get_bind()
    for survey_id, questions, translations in connection.execute(
            sa.select(surveys.c.id, surveys.c.questions, surveys.c.translations)).all():
        questions = json.loads(questions) if isinstance(questions, str) else (questions or [])
        translations = json.loads(translations) if isinstance(translations, str) else (translations or {})
        new_translations = {} if split else translations
        step = _split if split else _joined
        for question in questions:
            question['text'] = step(question.get('text'), question['id'], new_translations)
            for option in question.get('options') or []:
                option['text'] = step(option.get('text'), f"{question['id']}/{option['id']}", new_translations)
        values = {'questions': questions}
        if split:
            values['translations'] = new_translations
        connection.execute(surveys.update().where(surveys.c.id == survey_id).values(**values))


def upgrade():
    with op.batch_alter_table('evaluation_surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))
    _rewrite(split=True)


def downgrade():
    _rewrite(split=False)
    # DROP COLUMN in place, never a copy of the table: dropping the old table would cascade to
    # every response and answer on SQLite.
    with op.batch_alter_table('evaluation_surveys', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('translations')
