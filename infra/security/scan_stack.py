"""Scan the local stack's DynamoDB tables and Secrets Manager secrets for plaintext secrets.

Connected Stripe keys and webhook secrets are stored only as KMS ciphertext (DESIGN.md §3); the
table holds fingerprints and metadata. Any string shaped like a Stripe secret or restricted key, a
webhook signing secret or a JWT in an item or a secret version is a failure. A hit is reported by
where it is and its shape (prefix and length), never by its value.

Before the real scan a canary key is planted in the first table and in a secret; the scan must find
exactly those two, so a scanner that cannot see fails instead of passing.
"""

from __future__ import annotations

import base64
import re
import secrets
import sys
from dataclasses import dataclass
from typing import Iterable, Iterator

PATTERN = re.compile(
    rb"(?<![A-Za-z0-9_])(?:(?:sk|rk)_(?:test|live)_[A-Za-z0-9]{16,}"
    rb"|whsec_[A-Za-z0-9]{16,}"
    rb"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"
)

CANARY_PK = "SCAN_STACK_CANARY"
CANARY_SECRET = "scan-stack-canary"


@dataclass(frozen=True)
class Hit:
    where: str
    shape: str


def shape(secret: bytes) -> str:
    """The prefix of a match and its length: enough to find it, nothing to use."""
    text = secret.decode("ascii", "replace")
    prefix = text[: text.index("_", 3) + 1] if text.startswith(("sk_", "rk_")) else text[:6]
    return f"{prefix}… ({len(text)} chars)"


def find(where: str, data: bytes) -> list[Hit]:
    return [Hit(where, shape(m.group(0))) for m in PATTERN.finditer(data)]


def values(attribute: object) -> Iterator[bytes]:
    """Every string and binary inside a DynamoDB attribute value (low-level client shape)."""
    if isinstance(attribute, dict):
        for kind, value in attribute.items():
            if kind in ("S", "N"):
                yield value.encode()
            elif kind == "B":
                yield bytes(value)
            elif kind in ("SS", "NS"):
                yield from (v.encode() for v in value)
            elif kind == "BS":
                yield from (bytes(v) for v in value)
            elif kind == "L":
                for v in value:
                    yield from values(v)
            elif kind == "M":
                for k, v in value.items():
                    yield k.encode()
                    yield from values(v)


def scan_tables(dynamodb) -> tuple[int, list[Hit]]:
    items, hits = 0, []
    for table in paginate(dynamodb, "list_tables", "TableNames"):
        for item in paginate(dynamodb, "scan", "Items", TableName=table):
            items += 1
            key = f"{table}/{item.get('pk', {}).get('S', '?')}/{item.get('sk', {}).get('S', '?')}"
            for name, attribute in item.items():
                hits += find(f"{key}.{name}", name.encode())
                for data in values(attribute):
                    hits += find(f"{key}.{name}", data)
    return items, hits


def scan_secrets(secretsmanager) -> tuple[int, list[Hit]]:
    versions, hits = 0, []
    for secret in paginate(secretsmanager, "list_secrets", "SecretList", IncludePlannedDeletion=True):
        arn = secret["ARN"]
        hits += find(f"{secret['Name']} (name)", secret["Name"].encode())
        for version in paginate(
            secretsmanager, "list_secret_version_ids", "Versions", SecretId=arn, IncludeDeprecated=True
        ):
            try:
                value = secretsmanager.get_secret_value(SecretId=arn, VersionId=version["VersionId"])
            except secretsmanager.exceptions.ResourceNotFoundException:
                continue  # deleted between the listing and the read
            except secretsmanager.exceptions.InvalidRequestException:
                continue  # scheduled for deletion: moto refuses to read it
            versions += 1
            where = f"{secret['Name']}@{version['VersionId'][:8]}"
            if "SecretString" in value:
                data = value["SecretString"].encode()
                hits += find(where, data)
                hits += find(where + " (base64-decoded)", try_base64(data))
            if "SecretBinary" in value:
                hits += find(where, bytes(value["SecretBinary"]))
    return versions, hits


def try_base64(data: bytes) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except ValueError:
        return b""


def paginate(client, operation: str, key: str, **kwargs) -> Iterable:
    if client.can_paginate(operation):
        for page in client.get_paginator(operation).paginate(**kwargs):
            yield from page.get(key, [])
    else:
        yield from client.__getattribute__(operation)(**kwargs).get(key, [])


def canary_check(dynamodb, secretsmanager) -> None:
    tables = dynamodb.list_tables()["TableNames"]
    if not tables:
        raise SystemExit("scan-stack: no table to scan: is the stack up and bootstrapped?")
    canary = "rk_test_" + secrets.token_hex(16)
    dynamodb.put_item(
        TableName=tables[0],
        Item={"pk": {"S": CANARY_PK}, "sk": {"S": CANARY_PK}, "note": {"S": f"leaked {canary}"}},
    )
    arn = secretsmanager.create_secret(Name=CANARY_SECRET, SecretString=canary)["ARN"]
    try:
        _, table_hits = scan_tables(dynamodb)
        _, secret_hits = scan_secrets(secretsmanager)
        planted = [h for h in table_hits if CANARY_PK in h.where] + [
            h for h in secret_hits if h.where.startswith(CANARY_SECRET)
        ]
        if len(planted) != 2:
            raise SystemExit(f"scan-stack: the scan missed a planted key (found {len(planted)} of 2)")
    finally:
        dynamodb.delete_item(
            TableName=tables[0], Key={"pk": {"S": CANARY_PK}, "sk": {"S": CANARY_PK}}
        )
        secretsmanager.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)


def main() -> int:
    import os

    import boto3  # the project venv's (moto brings it)

    # The Java SDK's variables (infra/bin/stack-env): AWS_ENDPOINT_URL, AWS_REGION.
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    dynamodb = boto3.client("dynamodb", region_name=region)
    secretsmanager = boto3.client("secretsmanager", region_name=region)
    canary_check(dynamodb, secretsmanager)
    items, table_hits = scan_tables(dynamodb)
    versions, secret_hits = scan_secrets(secretsmanager)
    hits = table_hits + secret_hits
    for hit in hits[:40]:
        print(f"scan-stack: plaintext {hit.shape} in {hit.where}")
    if hits:
        print(f"scan-stack: {len(hits)} plaintext secrets found", file=sys.stderr)
        return 1
    print(
        f"scan-stack: no plaintext key, webhook secret or token in {items} table items"
        f" and {versions} secret versions (the planted canaries were found)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
