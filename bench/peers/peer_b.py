"""Peer (b): peer (a) with Powertools' idempotency utility on DynamoDB, keyed by tweet
id, as AWS recommends for at-least-once consumers: each new tweet costs the utility's
in-progress put and completion update around the tweet's own put."""

import os

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function)

from common import Model, tweet_item

TABLE = os.environ["TABLE_NAME"]
dynamodb = boto3.client("dynamodb")
model = Model()
processor = BatchProcessor(event_type=EventType.KinesisDataStreams)
persistence = DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE_NAME"])
config = IdempotencyConfig(event_key_jmespath="tweet_id", use_local_cache=False)


@idempotent_function(data_keyword_argument="tweet", persistence_store=persistence, config=config)
def store(tweet):
    dynamodb.put_item(TableName=TABLE, Item=tweet["item"])
    return {"tweet_id": tweet["tweet_id"]}


def record_handler(record):
    tweet_id, item = tweet_item(record, model)
    store(tweet={"tweet_id": tweet_id, "item": item})


def handler(event, context):
    config.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
