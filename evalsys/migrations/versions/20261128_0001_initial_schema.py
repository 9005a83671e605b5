"""Initial schema: every entity of DESIGN.md.

Revision ID: 0001
Revises:
Create Date: 2026-11-28

A migration must not hold long locks on a busy table, and must work with the previous
version of the code still running (add first, remove in a later release).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen copies of the app's column types: a migration must not change when models do.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# Stored in UTC; evalsys.db.meta.UTCDateTime converts on the way in and out.
UTC_TIMESTAMP = sa.DateTime(timezone=True)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interventions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("target_group", sa.Text(), nullable=False),
        sa.Column("protective_factors", JSON, nullable=False),
        sa.Column("design", sa.String(length=32), nullable=False),
        sa.Column("consent_text", JSON, nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "design IN ('pre_post', 'pre_post_comparison', 'randomised')",
            name=op.f("ck_interventions_design"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interventions")),
        sa.UniqueConstraint("slug", name=op.f("uq_interventions_slug")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("last_login_at", UTC_TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'evaluator', 'coordinator', 'ministry')", name=op.f("ck_users_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=64), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("client_addr", sa.String(length=64), nullable=False),
        sa.Column("details", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_audit_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_occurred_at", ["occurred_at"], unique=False)

    op.create_table(
        "instrument_definitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_key", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("definition", JSON, nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_instrument_definitions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_definitions")),
        sa.UniqueConstraint(
            "instrument_key",
            "version",
            name=op.f("uq_instrument_definitions_instrument_key_version"),
        ),
    )
    op.create_table(
        "questionnaires",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", JSON, nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_questionnaires_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaires")),
        sa.UniqueConstraint(
            "id", "intervention_id", name=op.f("uq_questionnaires_id_intervention_id")
        ),
        sa.UniqueConstraint(
            "intervention_id", "version", name=op.f("uq_questionnaires_intervention_id_version")
        ),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("municipality", sa.String(length=200), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_sites_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("id", "intervention_id", name=op.f("uq_sites_id_intervention_id")),
        sa.UniqueConstraint("intervention_id", "slug", name=op.f("uq_sites_intervention_id_slug")),
    )
    op.create_table(
        "waves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("settings", JSON, nullable=False),
        sa.CheckConstraint(
            "closes_on IS NULL OR opens_on IS NULL OR closes_on >= opens_on",
            name=op.f("ck_waves_dates_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_waves_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waves")),
        sa.UniqueConstraint("id", "intervention_id", name=op.f("uq_waves_id_intervention_id")),
        sa.UniqueConstraint(
            "intervention_id", "label", name=op.f("uq_waves_intervention_id_label")
        ),
        sa.UniqueConstraint(
            "intervention_id", "position", name=op.f("uq_waves_intervention_id_position")
        ),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("permission", sa.String(length=8), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("last_used_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("expires_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("revoked_at", UTC_TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "permission IN ('read', 'submit')", name=op.f("ck_api_tokens_permission")
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_api_tokens_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id", "intervention_id"],
            ["sites.id", "sites.intervention_id"],
            name=op.f("fk_api_tokens_site_id_intervention_id_sites"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_memberships_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id", "intervention_id"],
            ["sites.id", "sites.intervention_id"],
            name=op.f("fk_memberships_site_id_intervention_id_sites"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(
            "uq_memberships_user_intervention",
            ["user_id", "intervention_id"],
            unique=True,
            sqlite_where=sa.text("site_id IS NULL"),
            postgresql_where=sa.text("site_id IS NULL"),
        )
        batch_op.create_index(
            "uq_memberships_user_site",
            ["user_id", "site_id"],
            unique=True,
            sqlite_where=sa.text("site_id IS NOT NULL"),
            postgresql_where=sa.text("site_id IS NOT NULL"),
        )

    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("group_name", sa.String(length=16), nullable=False),
        sa.Column("consent_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("consent_by", sa.String(length=16), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "consent_by IS NULL OR consent_by IN ('participant', 'parent')",
            name=op.f("ck_participants_consent_by"),
        ),
        sa.CheckConstraint(
            "group_name IN ('intervention', 'comparison')", name=op.f("ck_participants_group_name")
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_participants_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id", "intervention_id"],
            ["sites.id", "sites.intervention_id"],
            name=op.f("fk_participants_site_id_intervention_id_sites"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.UniqueConstraint(
            "id", "intervention_id", name=op.f("uq_participants_id_intervention_id")
        ),
        sa.UniqueConstraint(
            "intervention_id", "code", name=op.f("uq_participants_intervention_id_code")
        ),
    )
    op.create_table(
        "survey_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("group_name", sa.String(length=16), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("closed_at", UTC_TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "group_name IN ('intervention', 'comparison')", name=op.f("ck_survey_links_group_name")
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_survey_links_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id", "intervention_id"],
            ["sites.id", "sites.intervention_id"],
            name=op.f("fk_survey_links_site_id_intervention_id_sites"),
        ),
        sa.ForeignKeyConstraint(
            ["wave_id", "intervention_id"],
            ["waves.id", "waves.intervention_id"],
            name=op.f("fk_survey_links_wave_id_intervention_id_waves"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_links")),
        sa.UniqueConstraint(
            "site_id",
            "wave_id",
            "group_name",
            name=op.f("uq_survey_links_site_id_wave_id_group_name"),
        ),
        sa.UniqueConstraint("token", name=op.f("uq_survey_links_token")),
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.String(length=36), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("instruments", JSON, nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("quality_flags", JSON, nullable=False),
        sa.Column("submitted_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", UTC_TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "mode IN ('web', 'paper', 'import', 'api')", name=op.f("ck_responses_mode")
        ),
        sa.CheckConstraint(
            "duration_seconds IS NULL OR duration_seconds >= 0", name=op.f("ck_responses_duration")
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_responses_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id", "intervention_id"],
            ["participants.id", "participants.intervention_id"],
            name=op.f("fk_responses_participant_id_intervention_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id", "intervention_id"],
            ["questionnaires.id", "questionnaires.intervention_id"],
            name=op.f("fk_responses_questionnaire_id_intervention_id_questionnaires"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_responses_submitted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["responses.id"], name=op.f("fk_responses_supersedes_id_responses")
        ),
        sa.ForeignKeyConstraint(
            ["wave_id", "intervention_id"],
            ["waves.id", "waves.intervention_id"],
            name=op.f("fk_responses_wave_id_intervention_id_waves"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_responses_submission_id")),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_responses_supersedes_id")),
    )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_index(
            "uq_responses_current_participant_wave",
            ["participant_id", "wave_id"],
            unique=True,
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )

    op.create_table(
        "scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("instrument_key", sa.String(length=100), nullable=False),
        sa.Column("scale", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("items_answered", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(length=64), nullable=True),
        sa.CheckConstraint("items_answered >= 0", name=op.f("ck_scores_items_answered")),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_scores_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scores")),
        sa.UniqueConstraint(
            "response_id",
            "instrument_key",
            "scale",
            name=op.f("uq_scores_response_id_instrument_key_scale"),
        ),
    )


def downgrade() -> None:
    op.drop_table("scores")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_responses_current_participant_wave",
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )

    op.drop_table("responses")
    op.drop_table("survey_links")
    op.drop_table("participants")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_memberships_user_site",
            sqlite_where=sa.text("site_id IS NOT NULL"),
            postgresql_where=sa.text("site_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_memberships_user_intervention",
            sqlite_where=sa.text("site_id IS NULL"),
            postgresql_where=sa.text("site_id IS NULL"),
        )

    op.drop_table("memberships")
    op.drop_table("api_tokens")
    op.drop_table("waves")
    op.drop_table("sites")
    op.drop_table("questionnaires")
    op.drop_table("instrument_definitions")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_occurred_at")

    op.drop_table("audit_events")
    op.drop_table("users")
    op.drop_table("interventions")
