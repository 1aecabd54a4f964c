import { Layout } from './layout';

/** The sign-in form: an API key, exchanged for a session. */
export function SignInPage(props: { next: string; error?: string }) {
  return (
    <Layout title="Sign in">
      <section class="sign-in">
        <h1>Operator console</h1>
        <p>Sign in with your API key. It is exchanged for a session that ends when you sign out or when it expires; the key itself is not kept in the browser.</p>
        {props.error && (
          <p class="flash error" role="alert" id="sign-in-error">
            {props.error}
          </p>
        )}
        <form method="post" action="/console/sign-in">
          <input type="hidden" name="next" value={props.next} />
          <label for="key">API key</label>
          <input id="key" name="key" type="password" autocomplete="current-password" required aria-describedby={props.error ? 'sign-in-error' : undefined} />
          <button type="submit" class="primary">
            Sign in
          </button>
        </form>
      </section>
    </Layout>
  );
}
