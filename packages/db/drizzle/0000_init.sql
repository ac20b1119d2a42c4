CREATE TYPE "public"."account_role" AS ENUM('admin', 'viewer');--> statement-breakpoint
CREATE TYPE "public"."channel_state" AS ENUM('open', 'closing', 'closed');--> statement-breakpoint
CREATE TYPE "public"."connector_status" AS ENUM('offline', 'available', 'preparing', 'charging', 'finishing', 'faulted');--> statement-breakpoint
CREATE TYPE "public"."current_type" AS ENUM('ac', 'dc');--> statement-breakpoint
CREATE TYPE "public"."dispute_state" AS ENUM('open', 'decided', 'expired');--> statement-breakpoint
CREATE TYPE "public"."id_tag_status" AS ENUM('accepted', 'blocked', 'expired');--> statement-breakpoint
CREATE TYPE "public"."meter_flag" AS ENUM('decreasing', 'implausibleJump', 'notAfterPrevious');--> statement-breakpoint
CREATE TYPE "public"."order_kind" AS ENUM('escrow', 'channel', 'free', 'ocpp');--> statement-breakpoint
CREATE TYPE "public"."order_state" AS ENUM('open', 'charging', 'settled', 'refunded', 'disputed', 'resolved');--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "accounts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" "account_role" NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_login_at" timestamp (3) with time zone,
	CONSTRAINT "accounts_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "api_tokens_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"account_id" integer NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"last_used_at" timestamp (3) with time zone,
	CONSTRAINT "api_tokens_tokenHash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"account_id" integer,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"subject" text NOT NULL,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "login_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"account_id" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channels" (
	"channel_id" text PRIMARY KEY NOT NULL,
	"vehicle" text NOT NULL,
	"operator" text NOT NULL,
	"currency" text NOT NULL,
	"deposit" numeric(78, 0) NOT NULL,
	"settled" numeric(78, 0) DEFAULT 0 NOT NULL,
	"voucher_amount" numeric(78, 0) DEFAULT 0 NOT NULL,
	"voucher_signature" text,
	"voucher_at" timestamp (3) with time zone,
	"state" "channel_state" DEFAULT 'open' NOT NULL,
	"closes_at" timestamp (3) with time zone,
	"refund" numeric(78, 0),
	"opened_at" timestamp (3) with time zone NOT NULL,
	"chain_block" bigint
);
--> statement-breakpoint
CREATE TABLE "chargers" (
	"id" text PRIMARY KEY NOT NULL,
	"pile_id" integer NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_connected_at" timestamp (3) with time zone,
	CONSTRAINT "chargers_pileId_unique" UNIQUE("pile_id")
);
--> statement-breakpoint
CREATE TABLE "id_tags" (
	"tag" text PRIMARY KEY NOT NULL,
	"status" "id_tag_status" DEFAULT 'accepted' NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"parent_tag" text,
	"label" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disputes" (
	"order_id" bigint PRIMARY KEY NOT NULL,
	"state" "dispute_state" DEFAULT 'open' NOT NULL,
	"opened_at" timestamp (3) with time zone NOT NULL,
	"deadline" timestamp (3) with time zone NOT NULL,
	"voucher_energy_wh" bigint NOT NULL,
	"voucher_amount" numeric(78, 0),
	"voucher_signature" text,
	"claimed_energy_wh" bigint NOT NULL,
	"claimed_amount" numeric(78, 0) NOT NULL,
	"amount_to_pile" numeric(78, 0),
	"amount_to_vehicle" numeric(78, 0),
	"closed_at" timestamp (3) with time zone,
	"chain_block" bigint
);
--> statement-breakpoint
CREATE TABLE "chain_events" (
	"chain_id" integer NOT NULL,
	"block_number" bigint NOT NULL,
	"log_index" integer NOT NULL,
	"block_hash" text NOT NULL,
	"transaction_hash" text NOT NULL,
	"contract" text NOT NULL,
	"event_name" text NOT NULL,
	"subject" text NOT NULL,
	"args" jsonb NOT NULL,
	CONSTRAINT "chain_events_chain_id_block_number_log_index_pk" PRIMARY KEY("chain_id","block_number","log_index")
);
--> statement-breakpoint
CREATE TABLE "indexer_blocks" (
	"chain_id" integer NOT NULL,
	"block_number" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"parent_hash" text NOT NULL,
	CONSTRAINT "indexer_blocks_chain_id_block_number_pk" PRIMARY KEY("chain_id","block_number")
);
--> statement-breakpoint
CREATE TABLE "indexer_cursors" (
	"chain_id" integer PRIMARY KEY NOT NULL,
	"block_number" bigint NOT NULL,
	"block_hash" text NOT NULL,
	"finalized_block" bigint NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meter_values" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "meter_values_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"pile_id" integer NOT NULL,
	"connector" smallint NOT NULL,
	"order_id" bigint,
	"measured_at" timestamp (3) with time zone NOT NULL,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"energy_wh" bigint NOT NULL,
	"power_w" integer,
	"voltage_v" double precision,
	"current_a" double precision,
	"flag" "meter_flag"
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "orders_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" "order_kind" NOT NULL,
	"pile_id" integer NOT NULL,
	"connector" smallint,
	"session_id" text,
	"channel_id" text,
	"vehicle" text,
	"id_tag" text,
	"operator" text,
	"state" "order_state" NOT NULL,
	"opened_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"energy_wh" bigint DEFAULT 0 NOT NULL,
	"charging_seconds" integer DEFAULT 0 NOT NULL,
	"idle_seconds" integer DEFAULT 0 NOT NULL,
	"meter_start_wh" bigint,
	"meter_stop_wh" bigint,
	"stop_reason" text,
	"currency" text,
	"deposit" numeric(78, 0),
	"amount_due" numeric(78, 0),
	"amount_received" numeric(78, 0),
	"refund" numeric(78, 0),
	"terms_hash" text,
	"salt" text,
	"chain_block" bigint,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_sessionId_unique" UNIQUE("session_id"),
	CONSTRAINT "orders_energy_not_negative" CHECK ("orders"."energy_wh" >= 0),
	CONSTRAINT "orders_seconds_not_negative" CHECK ("orders"."charging_seconds" >= 0 and "orders"."idle_seconds" >= 0)
);
--> statement-breakpoint
CREATE TABLE "connectors" (
	"pile_id" integer NOT NULL,
	"connector" smallint NOT NULL,
	"status" "connector_status" DEFAULT 'offline' NOT NULL,
	"error_code" text,
	"status_at" timestamp (3) with time zone,
	"meter_wh" bigint,
	"meter_at" timestamp (3) with time zone,
	"order_id" bigint,
	CONSTRAINT "connectors_pile_id_connector_pk" PRIMARY KEY("pile_id","connector"),
	CONSTRAINT "connectors_number" CHECK ("connectors"."connector" >= 0)
);
--> statement-breakpoint
CREATE TABLE "pile_free_vehicles" (
	"pile_id" integer NOT NULL,
	"vehicle" text NOT NULL,
	"chain_block" bigint,
	CONSTRAINT "pile_free_vehicles_pile_id_vehicle_pk" PRIMARY KEY("pile_id","vehicle")
);
--> statement-breakpoint
CREATE TABLE "piles" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "piles_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"dmid" text,
	"name" text DEFAULT '' NOT NULL,
	"site" text,
	"installed_on" date,
	"brand" text,
	"model" text,
	"current_type" "current_type",
	"guns" smallint DEFAULT 1 NOT NULL,
	"rated_power_w" integer,
	"firmware_version" text,
	"latitude" double precision,
	"longitude" double precision,
	"address" text,
	"chain_pile_id" text,
	"dmid_hash" text,
	"owner" text,
	"generation" bigint,
	"payout" text,
	"agent" text,
	"currency" text,
	"price_per_k_wh" numeric(78, 0),
	"price_per_minute" numeric(78, 0),
	"idle_per_minute" numeric(78, 0),
	"session_fee" numeric(78, 0),
	"credit_wh" bigint,
	"terms_hash" text,
	"chain_block" bigint,
	"last_heartbeat_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "piles_dmid_unique" UNIQUE("dmid"),
	CONSTRAINT "piles_chainPileId_unique" UNIQUE("chain_pile_id"),
	CONSTRAINT "piles_guns_positive" CHECK ("piles"."guns" > 0),
	CONSTRAINT "piles_rated_power_positive" CHECK ("piles"."rated_power_w" > 0),
	CONSTRAINT "piles_latitude_range" CHECK ("piles"."latitude" between -90 and 90),
	CONSTRAINT "piles_longitude_range" CHECK ("piles"."longitude" between -180 and 180)
);
--> statement-breakpoint
CREATE TABLE "operator_daily_totals" (
	"operator" text,
	"day" date NOT NULL,
	"currency" text,
	"sessions" integer DEFAULT 0 NOT NULL,
	"energy_wh" bigint DEFAULT 0 NOT NULL,
	"revenue" numeric(78, 0) DEFAULT 0 NOT NULL,
	CONSTRAINT "operator_daily_totals_operator_day_currency_unique" UNIQUE NULLS NOT DISTINCT("operator","day","currency")
);
--> statement-breakpoint
CREATE TABLE "pile_daily_totals" (
	"pile_id" integer NOT NULL,
	"day" date NOT NULL,
	"currency" text,
	"sessions" integer DEFAULT 0 NOT NULL,
	"energy_wh" bigint DEFAULT 0 NOT NULL,
	"revenue" numeric(78, 0) DEFAULT 0 NOT NULL,
	CONSTRAINT "pile_daily_totals_pileId_day_currency_unique" UNIQUE NULLS NOT DISTINCT("pile_id","day","currency")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "login_sessions" ADD CONSTRAINT "login_sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chargers" ADD CONSTRAINT "chargers_pile_id_piles_id_fk" FOREIGN KEY ("pile_id") REFERENCES "public"."piles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meter_values" ADD CONSTRAINT "meter_values_pile_id_piles_id_fk" FOREIGN KEY ("pile_id") REFERENCES "public"."piles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meter_values" ADD CONSTRAINT "meter_values_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_pile_id_piles_id_fk" FOREIGN KEY ("pile_id") REFERENCES "public"."piles"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connectors" ADD CONSTRAINT "connectors_pile_id_piles_id_fk" FOREIGN KEY ("pile_id") REFERENCES "public"."piles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connectors" ADD CONSTRAINT "connectors_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pile_free_vehicles" ADD CONSTRAINT "pile_free_vehicles_pile_id_piles_id_fk" FOREIGN KEY ("pile_id") REFERENCES "public"."piles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pile_daily_totals" ADD CONSTRAINT "pile_daily_totals_pile_id_piles_id_fk" FOREIGN KEY ("pile_id") REFERENCES "public"."piles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_account_id_index" ON "api_tokens" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "audit_log_subject_id_index" ON "audit_log" USING btree ("subject","id");--> statement-breakpoint
CREATE INDEX "login_sessions_account_id_index" ON "login_sessions" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "login_sessions_expires_at_index" ON "login_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "id_tags_parent_tag_index" ON "id_tags" USING btree ("parent_tag");--> statement-breakpoint
CREATE INDEX "disputes_state_deadline_index" ON "disputes" USING btree ("state","deadline");--> statement-breakpoint
CREATE INDEX "chain_events_subject_block_number_log_index_index" ON "chain_events" USING btree ("subject","block_number","log_index");--> statement-breakpoint
CREATE INDEX "meter_values_order_time" ON "meter_values" USING btree ("order_id","measured_at","id");--> statement-breakpoint
CREATE INDEX "meter_values_pile_time" ON "meter_values" USING btree ("pile_id","measured_at","id");--> statement-breakpoint
CREATE INDEX "orders_pile_state_time" ON "orders" USING btree ("pile_id","state","opened_at","id");--> statement-breakpoint
CREATE INDEX "orders_pile_time" ON "orders" USING btree ("pile_id","opened_at","id");--> statement-breakpoint
CREATE INDEX "orders_state_time" ON "orders" USING btree ("state","opened_at","id");--> statement-breakpoint
CREATE INDEX "orders_vehicle_time" ON "orders" USING btree ("vehicle","opened_at","id");--> statement-breakpoint
CREATE INDEX "orders_time" ON "orders" USING btree ("opened_at","id");--> statement-breakpoint
CREATE INDEX "orders_channel" ON "orders" USING btree ("channel_id");--> statement-breakpoint
CREATE INDEX "piles_owner_index" ON "piles" USING btree ("owner");--> statement-breakpoint
CREATE INDEX "piles_dmid_hash_index" ON "piles" USING btree ("dmid_hash");--> statement-breakpoint
CREATE INDEX "operator_daily_totals_day_index" ON "operator_daily_totals" USING btree ("day");