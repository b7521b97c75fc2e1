"""Peer (a): Powertools for AWS Lambda's BatchProcessor with a boto3 conditional
put_item per record, the usual Python consumer. Records run one after the other, as
BatchProcessor runs them; a failed condition means the tweet is already stored."""

import os

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from common import Model, tweet_item

TABLE = os.environ["TABLE_NAME"]
dynamodb = boto3.client("dynamodb")
model = Model()
processor = BatchProcessor(event_type=EventType.KinesisDataStreams)


def record_handler(record):
    _, item = tweet_item(record, model)
    try:
        dynamodb.put_item(TableName=TABLE, Item=item, ConditionExpression="attribute_not_exists(tweet_id)")
    except dynamodb.exceptions.ConditionalCheckFailedException:
        pass  # already stored: a redelivery


def handler(event, context):
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
