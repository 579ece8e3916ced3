import '@mantine/core/styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { setNonce } from 'get-nonce';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

// The Content-Security-Policy allows <style> elements only with this response's nonce.
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';
// The modals' scroll lock writes its own <style> element, through get-nonce.
setNonce(nonce);

const theme = createTheme({ primaryColor: 'teal', defaultRadius: 'sm' });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} getStyleNonce={() => nonce} defaultColorScheme="light">
      <App />
    </MantineProvider>
  </StrictMode>,
);
