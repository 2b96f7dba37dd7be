import { z } from 'zod';
import { defineRoute } from '../api/route';
import type { Services } from '../services';
import { acceptedOut, acceptLinkSchema, linkParams, linkViewOut } from './schemas';

/**
 * What customers reach through the links partners send: a view of the offer
 * with the partner's profile (no token needed), acceptance and declining. A
 * link stands for an invitation or an offer; each is that domain's service's.
 */
export function linkRoutes({ links, invitations, offers, delegatedAdmin }: Services) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/links/{code}',
      operationId: 'viewLink',
      summary: 'What a link offers, and from which partner',
      tag: 'Customers (links)',
      description:
        'With a customer token, an offer says where it stands for that customer (accepted, declined, superseded by a newer offer…). ' +
        'A delegated-admin request is shown to whoever has its link (it was e-mailed to the customer); answering it needs that customer’s token.',
      auth: 'customer-or-public',
      params: linkParams,
      responses: { 200: { description: 'The offer behind the link', schema: linkViewOut } },
      async handler({ params, principal }) {
        const link = await links.resolve(params.code);
        switch (link.kind) {
          case 'invitation':
            return { status: 200, body: await invitations.linkView(link.invitation) };
          case 'offer':
            return { status: 200, body: await offers.linkView(link.offer, principal) };
          case 'delegated-admin':
            return { status: 200, body: await delegatedAdmin.linkView(link.relationship) };
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/links/{code}/accept',
      operationId: 'acceptLink',
      summary: 'Accept a trial invitation or a purchase offer (a new customer: tenant created, token returned once; or an existing one with its token)',
      description:
        'Without a token, `customer` describes the new tenant; the answer carries its customer token, shown this once. ' +
        'With a customer token, the acceptance is for that customer. An invitation starts the trial; an offer buys. ' +
        'An offer sent to named customers needs the token of one of them; a published offer may be accepted by anyone: ' +
        'a company not yet the partner’s customer becomes one through it (without a trial), then buys. ' +
        'Either way the partner becomes the advisor.',
      tag: 'Customers (links)',
      auth: 'customer-or-public',
      params: linkParams,
      body: acceptLinkSchema,
      showsSecret: true,
      responses: { 201: { description: 'Accepted: the onboarding has started (or was already running)', schema: acceptedOut } },
      problems: [
        'delegated-admin-not-offered',
        'invitation-not-active',
        'customer-exists',
        'cloud-mismatch',
        'partner-not-authorised',
        'offer-not-open',
        'license-count-out-of-bounds',
        'sku-not-available',
        'customer-not-onboarding',
        'relationship-not-pending',
        'change-in-progress',
      ],
      async handler({ params, body, principal, request }) {
        const link = await links.resolve(params.code);
        switch (link.kind) {
          case 'invitation':
            return { status: 201, body: await invitations.accept(link.invitation, principal, body, request) };
          case 'offer':
            return { status: 201, body: await offers.accept(link.offer, principal, body, request) };
          case 'delegated-admin': {
            const r = await delegatedAdmin.answerThroughLink(link.relationship, principal, 'accept', body, request);
            return { status: 201, body: { customer: r.customer, delegatedAdmin: { relationshipId: r.relationship._id, status: 'active' as const } } };
          }
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/links/{code}/decline',
      operationId: 'declineLink',
      summary: 'Decline a trial invitation (anyone with the link) or a purchase offer (with the customer token)',
      tag: 'Customers (links)',
      auth: 'customer-or-public',
      params: linkParams,
      responses: { 200: { description: 'Declined', schema: z.object({ status: z.literal('declined') }) } },
      problems: ['offer-not-open', 'invitation-not-active', 'invitation-already-accepted', 'relationship-not-pending', 'change-in-progress'],
      async handler({ params, principal, request }) {
        const link = await links.resolve(params.code);
        if (link.kind === 'invitation') await invitations.decline(link.invitation, principal, request);
        else if (link.kind === 'offer') await offers.decline(link.offer, principal, request);
        else await delegatedAdmin.answerThroughLink(link.relationship, principal, 'decline', {}, request);
        return { status: 200, body: { status: 'declined' as const } };
      },
    }),
  ];
}
