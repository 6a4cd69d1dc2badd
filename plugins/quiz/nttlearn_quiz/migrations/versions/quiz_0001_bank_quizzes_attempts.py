"""quiz: question bank, quizzes, attempts, grades

The first revision of the quiz plugin's own Alembic branch (label "quiz"), built on the core
revision whose tables (courses, activities, users) its foreign keys point to.

Revision ID: quiz_0001
Revises: 
Create Date: 2026-11-26 10:35:59.644330

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'quiz_0001'
down_revision = None
branch_labels = ('quiz',)
depends_on = '0001_core'


def upgrade():
    op.create_table('quiz_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_quiz_categories_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['quiz_categories.id'], name=op.f('fk_quiz_categories_parent_id_quiz_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_categories')),
    sa.UniqueConstraint('course_id', 'path', name=op.f('uq_quiz_categories_course_id_path'))
    )
    with op.batch_alter_table('quiz_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_categories_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_categories_parent_id'), ['parent_id'], unique=False)

    op.create_table('quiz_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_quiz_tags_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_tags')),
    sa.UniqueConstraint('course_id', 'name', name=op.f('uq_quiz_tags_course_id_name'))
    )
    op.create_table('quiz_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('qtype', sa.String(length=50), nullable=False),
    sa.Column('latest_version', sa.Integer(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['quiz_categories.id'], name=op.f('fk_quiz_questions_category_id_quiz_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_quiz_questions_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_questions'))
    )
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_questions_category_id_name', ['category_id', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_questions_course_id'), ['course_id'], unique=False)

    op.create_table('quiz_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=20), nullable=True),
    sa.Column('current_page', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('marks', sa.Float(), nullable=True),
    sa.Column('max_marks', sa.Float(), nullable=False),
    sa.Column('percent', sa.Float(), nullable=True),
    sa.Column('needs_grading', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("closed_by IS NULL OR closed_by IN ('learner', 'timeout', 'trainer')", name=op.f('ck_quiz_attempts_closed_by_known')),
    sa.CheckConstraint("state IN ('in_progress', 'finished')", name=op.f('ck_quiz_attempts_state_known')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_quiz_attempts_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempts')),
    sa.UniqueConstraint('activity_id', 'user_id', 'number', name=op.f('uq_quiz_attempts_activity_id_user_id_number'))
    )
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_attempts_activity_id_state', ['activity_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempts_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_quiz_attempts_one_open', ['activity_id', 'user_id'], unique=True, sqlite_where=sa.text("state = 'in_progress'"), postgresql_where=sa.text("state = 'in_progress'"))

    op.create_table('quiz_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Float(), nullable=True),
    sa.Column('override', sa.Float(), nullable=True),
    sa.Column('override_comment', sa.Text(), nullable=False),
    sa.Column('overridden_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('override IS NULL OR (override >= 0 AND override <= 100)', name=op.f('ck_quiz_grades_override_percent')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_quiz_grades_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['overridden_by_id'], ['users.id'], name=op.f('fk_quiz_grades_overridden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_grades_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_grades')),
    sa.UniqueConstraint('activity_id', 'user_id', name=op.f('uq_quiz_grades_activity_id_user_id'))
    )
    with op.batch_alter_table('quiz_grades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_grades_user_id'), ['user_id'], unique=False)

    op.create_table('quiz_question_tags',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_questions.id'], name=op.f('fk_quiz_question_tags_question_id_quiz_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['quiz_tags.id'], name=op.f('fk_quiz_question_tags_tag_id_quiz_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'tag_id', name=op.f('pk_quiz_question_tags'))
    )
    with op.batch_alter_table('quiz_question_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_question_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('quiz_question_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_quiz_question_versions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_questions.id'], name=op.f('fk_quiz_question_versions_question_id_quiz_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_question_versions')),
    sa.UniqueConstraint('question_id', 'number', name=op.f('uq_quiz_question_versions_question_id_number'))
    )
    op.create_table('quiz_quizzes',
    sa.Column('activity_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.Column('shuffle_questions', sa.Boolean(), nullable=False),
    sa.Column('shuffle_answers', sa.Boolean(), nullable=False),
    sa.Column('attempts_allowed', sa.Integer(), nullable=False),
    sa.Column('grading_method', sa.String(length=10), nullable=False),
    sa.Column('time_limit', sa.Integer(), nullable=True),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pass_mark', sa.Float(), nullable=False),
    sa.Column('completion', sa.String(length=10), nullable=False),
    sa.Column('layout', sa.String(length=20), nullable=False),
    sa.Column('navigation', sa.String(length=20), nullable=False),
    sa.Column('review_marks', sa.String(length=20), nullable=False),
    sa.Column('review_feedback', sa.String(length=20), nullable=False),
    sa.Column('review_correct', sa.String(length=20), nullable=False),
    sa.Column('source_file', sa.String(length=255), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("completion IN ('pass', 'attempt')", name=op.f('ck_quiz_quizzes_completion_known')),
    sa.CheckConstraint("grading_method IN ('highest', 'average', 'first', 'last')", name=op.f('ck_quiz_quizzes_grading_method_known')),
    sa.CheckConstraint("layout IN ('one_page', 'per_question')", name=op.f('ck_quiz_quizzes_layout_known')),
    sa.CheckConstraint("navigation IN ('free', 'sequential')", name=op.f('ck_quiz_quizzes_navigation_known')),
    sa.CheckConstraint("review_correct IN ('immediately', 'after_last', 'after_close', 'never')", name=op.f('ck_quiz_quizzes_review_correct_known')),
    sa.CheckConstraint("review_feedback IN ('immediately', 'after_last', 'after_close', 'never')", name=op.f('ck_quiz_quizzes_review_feedback_known')),
    sa.CheckConstraint("review_marks IN ('immediately', 'after_last', 'after_close', 'never')", name=op.f('ck_quiz_quizzes_review_marks_known')),
    sa.CheckConstraint('attempts_allowed >= 0', name=op.f('ck_quiz_quizzes_attempts_allowed_not_negative')),
    sa.CheckConstraint('pass_mark >= 0 AND pass_mark <= 100', name=op.f('ck_quiz_quizzes_pass_mark_percent')),
    sa.CheckConstraint('time_limit IS NULL OR time_limit > 0', name=op.f('ck_quiz_quizzes_time_limit_positive')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_quiz_quizzes_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['quiz_categories.id'], name=op.f('fk_quiz_quizzes_category_id_quiz_categories'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_quiz_quizzes_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', name=op.f('pk_quiz_quizzes'))
    )
    with op.batch_alter_table('quiz_quizzes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_quizzes_course_id'), ['course_id'], unique=False)

    op.create_table('quiz_allowances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('extra_attempts', sa.Integer(), nullable=False),
    sa.Column('extra_minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('extra_attempts >= 0 AND extra_minutes >= 0', name=op.f('ck_quiz_allowances_not_negative')),
    sa.ForeignKeyConstraint(['activity_id'], ['quiz_quizzes.activity_id'], name=op.f('fk_quiz_allowances_activity_id_quiz_quizzes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_allowances_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_allowances')),
    sa.UniqueConstraint('activity_id', 'user_id', name=op.f('uq_quiz_allowances_activity_id_user_id'))
    )
    with op.batch_alter_table('quiz_allowances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_allowances_user_id'), ['user_id'], unique=False)

    op.create_table('quiz_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('include_subcategories', sa.Boolean(), nullable=False),
    sa.Column('mark', sa.Float(), nullable=False),
    sa.CheckConstraint('(question_id IS NULL AND category_id IS NOT NULL) OR (question_id IS NOT NULL AND category_id IS NULL)', name=op.f('ck_quiz_slots_fixed_or_random')),
    sa.CheckConstraint('mark >= 0', name=op.f('ck_quiz_slots_mark_not_negative')),
    sa.ForeignKeyConstraint(['activity_id'], ['quiz_quizzes.activity_id'], name=op.f('fk_quiz_slots_activity_id_quiz_quizzes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['quiz_categories.id'], name=op.f('fk_quiz_slots_category_id_quiz_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_questions.id'], name=op.f('fk_quiz_slots_question_id_quiz_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_slots'))
    )
    with op.batch_alter_table('quiz_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_slots_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_slots_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_slots_question_id'), ['question_id'], unique=False)

    op.create_table('quiz_attempt_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('slot_number', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=True),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('mark', sa.Float(), nullable=False),
    sa.Column('choice_order', sa.JSON(), nullable=True),
    sa.Column('response', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fraction', sa.Float(), nullable=True),
    sa.Column('needs_grading', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('graded_by_id', sa.Integer(), nullable=True),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_quiz_attempt_answers_attempt_id_quiz_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['graded_by_id'], ['users.id'], name=op.f('fk_quiz_attempt_answers_graded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_version_id'], ['quiz_question_versions.id'], name=op.f('fk_quiz_attempt_answers_question_version_id_quiz_question_versions')),
    sa.ForeignKeyConstraint(['slot_id'], ['quiz_slots.id'], name=op.f('fk_quiz_attempt_answers_slot_id_quiz_slots'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempt_answers')),
    sa.UniqueConstraint('attempt_id', 'slot_number', name=op.f('uq_quiz_attempt_answers_attempt_id_slot_number'))
    )
    with op.batch_alter_table('quiz_attempt_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempt_answers_question_version_id'), ['question_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempt_answers_slot_id'), ['slot_id'], unique=False)



def downgrade():
    with op.batch_alter_table('quiz_attempt_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_answers_slot_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_answers_question_version_id'))

    op.drop_table('quiz_attempt_answers')
    with op.batch_alter_table('quiz_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_slots_question_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_slots_category_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_slots_activity_id'))

    op.drop_table('quiz_slots')
    with op.batch_alter_table('quiz_allowances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_allowances_user_id'))

    op.drop_table('quiz_allowances')
    with op.batch_alter_table('quiz_quizzes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_quizzes_course_id'))

    op.drop_table('quiz_quizzes')
    op.drop_table('quiz_question_versions')
    with op.batch_alter_table('quiz_question_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_question_tags_tag_id'))

    op.drop_table('quiz_question_tags')
    with op.batch_alter_table('quiz_grades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_grades_user_id'))

    op.drop_table('quiz_grades')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('uq_quiz_attempts_one_open', sqlite_where=sa.text("state = 'in_progress'"), postgresql_where=sa.text("state = 'in_progress'"))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_user_id'))
        batch_op.drop_index('ix_quiz_attempts_activity_id_state')

    op.drop_table('quiz_attempts')
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_questions_course_id'))
        batch_op.drop_index('ix_quiz_questions_category_id_name')

    op.drop_table('quiz_questions')
    op.drop_table('quiz_tags')
    with op.batch_alter_table('quiz_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_categories_parent_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_categories_course_id'))

    op.drop_table('quiz_categories')
