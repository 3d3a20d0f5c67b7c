import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl } from '../../../core/store/store-url.ts';

test('a store URL is shown without its password, wherever the connection string puts it', () => {
  assert.equal(redactUrl('postgres://ci:s3cret@db/work'), 'postgres://ci:***@db/work');
  assert.equal(redactUrl('postgres://u:p@ss@h:5432/db'), 'postgres://u:***@h:5432/db', 'an unencoded @ in the password');
  assert.equal(redactUrl('postgres://ci@db/work?password=s3cret&sslmode=require'), 'postgres://ci@db/work?password=***&sslmode=require');
  assert.equal(redactUrl('postgresql://ci@db/work?sslpassword=k&application_name=a@b'), 'postgresql://ci@db/work?sslpassword=***&application_name=a@b');
  assert.equal(redactUrl('postgres://ci@db/work'), 'postgres://ci@db/work', 'nothing secret: as it was');
  assert.equal(redactUrl('postgres://db/work'), 'postgres://db/work');
  for (const url of ['postgres://ci:s3cret@db/work', 'postgres://u:p@ss3cret@h/db', 'postgres://x@h/d?password=s3cret', 'postgres://x@h/d?PASSWORD=s3cret']) {
    assert.ok(!redactUrl(url).includes('s3cret'), url);
  }
});
